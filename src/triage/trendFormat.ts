// Plain-words figures for the trend table and chart. Pure, so the webview bundles it too.

const KIB = 1024;
const MIB = KIB * 1024;
const GIB = MIB * 1024;

/** 412 MiB, 1.50 GiB, 900 KiB: binary units, as Kubernetes limits are written. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '–';
  const abs = Math.abs(bytes);
  if (abs >= GIB) return `${(bytes / GIB).toFixed(2)} GiB`;
  if (abs >= MIB) return `${(bytes / MIB).toFixed(abs >= 100 * MIB ? 0 : 1)} MiB`;
  if (abs >= KIB) return `${(bytes / KIB).toFixed(0)} KiB`;
  return `${bytes.toFixed(0)} B`;
}

/** +6.8 MiB/min, -0.12 MiB/min, 0 MiB/min */
export function formatRate(mibPerMinute: number): string {
  const abs = Math.abs(mibPerMinute);
  if (abs < 0.005) return '0 MiB/min';
  const digits = abs >= 10 ? 0 : abs >= 1 ? 1 : 2;
  return `${mibPerMinute > 0 ? '+' : '-'}${abs.toFixed(digits)} MiB/min`;
}

/** ~14 min, ~2 h 5 min, ~3 d 4 h, < 1 min */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return '< 1 min';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `~${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) {
    const rest = minutes % 60;
    return rest ? `~${hours} h ${rest} min` : `~${hours} h`;
  }
  const days = Math.floor(hours / 24);
  const restHours = hours % 24;
  return restHours ? `~${days} d ${restHours} h` : `~${days} d`;
}

/** "reaches 512 MiB in ~14 min" and its siblings. */
export function formatTimeToLimit(secondsToLimit: number | undefined, limitBytes: number | undefined): string {
  if (limitBytes === undefined) return 'no memory limit';
  if (secondsToLimit === undefined) return `not heading for ${formatBytes(limitBytes)}`;
  if (secondsToLimit === 0) return `at ${formatBytes(limitBytes)} now`;
  return `reaches ${formatBytes(limitBytes)} in ${formatDuration(secondsToLimit)}`;
}

/** R² as words an engineer can weigh. */
export function formatFit(r2: number | undefined): string {
  if (r2 === undefined) return '–';
  const words = r2 >= 0.9 ? 'strong' : r2 >= 0.6 ? 'fair' : 'weak';
  return `${words} (R² ${r2.toFixed(2)})`;
}
