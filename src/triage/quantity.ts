// Kubernetes resource quantities for memory ("512Mi", "1G", "129e6", "1536Ki") in bytes.
// Only what a memory figure can hold; CPU is not read here.
const SUFFIX: Readonly<Record<string, number>> = {
  '': 1,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
  Pi: 1024 ** 5,
  Ei: 1024 ** 6,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?$/;

/** Bytes, rounded up like the API server does for fractional bytes; undefined when unparsable. */
export function parseMemory(quantity: string | undefined | null): number | undefined {
  if (quantity === undefined || quantity === null) return undefined;
  const match = QUANTITY.exec(quantity.trim());
  if (!match) return undefined;
  const base = Number(match[1]);
  const value = match[2] !== undefined ? Number(`${match[1]}${match[2]}`) : base * SUFFIX[match[3] ?? '']!;
  return Number.isFinite(value) ? Math.ceil(value) : undefined;
}

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

/** "412 MiB", "1.5 GiB", "900 KiB": the binary units kubectl top and the limits use. */
export function formatBytes(bytes: number): string {
  if (bytes >= 10 * GiB) return `${Math.round(bytes / GiB)} GiB`;
  if (bytes >= GiB) return `${trim(bytes / GiB)} GiB`;
  if (bytes >= MiB) return `${Math.round(bytes / MiB)} MiB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KiB`;
  return `${bytes} B`;
}

function trim(n: number): string {
  return n.toFixed(2).replace(/\.?0+$/, '');
}
