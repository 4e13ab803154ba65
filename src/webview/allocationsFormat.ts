// The allocations table's order, filter and figures. No DOM, so it runs in unit tests as well.
import { formatBytes } from '../triage/trendFormat.ts';
import type { AllocationRow, AllocationsView } from './protocol.ts';

export type SortKey = 'growth' | 'size' | 'count';

export const SORT_KEYS: readonly { readonly key: SortKey; readonly label: string }[] = [
  { key: 'growth', label: 'Growth' },
  { key: 'size', label: 'Size' },
  { key: 'count', label: 'Count' },
];

/** Growth when the capture measured it; a single snapshot or a file only has sizes. */
export function defaultSort(view: AllocationsView): SortKey {
  return view.measure === 'growth' ? 'growth' : 'size';
}

const sortValue: Record<SortKey, (r: AllocationRow) => number> = {
  growth: (r) => r.growthBytes ?? -Infinity,
  size: (r) => r.bytes,
  count: (r) => r.count,
};

/** Biggest first; equal rows keep the host's order (by id), so a re-sort never shuffles them. */
export function sortRows(rows: readonly AllocationRow[], key: SortKey): AllocationRow[] {
  const value = sortValue[key];
  return [...rows].sort((a, b) => value(b) - value(a) || a.id - b.id);
}

/** Rows whose file (as the process saw it, or as mapped), function or source line contain the text, any case. */
export function filterRows(rows: readonly AllocationRow[], text: string): AllocationRow[] {
  const needle = text.trim().toLowerCase();
  if (!needle) return [...rows];
  return rows.filter((r) => {
    const label = r.location.kind === 'mapped' ? r.location.label : '';
    return [r.file, label, r.functionName ?? '', r.code ?? ''].some((s) => s.toLowerCase().includes(needle));
  });
}

/** +14.2 MiB, -3 KiB, 0 B */
export function formatSignedBytes(bytes: number | undefined): string {
  if (bytes === undefined) return '–';
  return `${bytes > 0 ? '+' : bytes < 0 ? '-' : ''}${formatBytes(Math.abs(bytes))}`;
}

/** +6.8 MiB/min; small leaks stay visible in KiB or B rather than rounding to 0 MiB/min. */
export function formatPerMinute(bytesPerMinute: number | undefined): string {
  return bytesPerMinute === undefined ? '–' : `${formatSignedBytes(bytesPerMinute)}/min`;
}

const counts = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** 14,501 */
export function formatCount(n: number): string {
  return counts.format(n);
}

/** 42.0 %, < 0.1 % */
export function formatShare(share: number): string {
  if (share > 0 && share < 0.001) return '< 0.1 %';
  return `${(share * 100).toFixed(1)} %`;
}

/** 1:05 left, 0:09 left; once the window is over, the snapshot is being read. */
export function formatCountdown(endsAt: number, now: number): string {
  const seconds = Math.ceil((endsAt - now) / 1000);
  if (seconds <= 0) return 'reading the snapshot…';
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')} left`;
}

/** "tracemalloc via gdb · 60 s window · 412 MiB traced · +38.0 MiB growth · taken 10:42:01" */
export function summaryLine(view: AllocationsView, time: (ms: number) => string): string {
  return [
    view.method,
    view.windowSeconds !== undefined ? `${Math.round(view.windowSeconds)} s window` : '',
    `${formatBytes(view.totalBytes)} traced`,
    view.growthBytes !== undefined ? `${formatSignedBytes(view.growthBytes)} growth` : '',
    `taken ${time(view.takenAt)}`,
  ]
    .filter(Boolean)
    .join(' · ');
}

/** The location as the table shows it: the workspace file when mapped, else the container path. */
export function locationText(row: AllocationRow): string {
  return `${row.location.kind === 'mapped' ? row.location.label : row.file}:${row.line}`;
}
