// Kubernetes resource quantities ("128Mi", "2Gi", "250m", "1e3") to numbers, and back
// the way the API server and metrics-server print them.

const binary: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const decimal: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

const pattern = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;

/** Returns the quantity's value, or undefined when the string is not a valid quantity. */
export function parseQuantity(text: unknown): number | undefined {
  if (typeof text === 'number') return Number.isFinite(text) ? text : undefined;
  if (typeof text !== 'string') return undefined;
  const m = pattern.exec(text.trim());
  if (!m) return undefined;
  const value = Number(m[1]);
  const suffix = m[2] ?? '';
  if (suffix in binary) return value * binary[suffix];
  if (suffix in decimal) return value * decimal[suffix];
  return value * 10 ** Number(suffix.slice(1));
}

/** Memory in Ki, as metrics-server reports it (kubectl top converts to Mi). */
export function formatKi(bytes: number): string {
  return `${Math.round(bytes / 1024)}Ki`;
}

/** CPU in nanocores, as metrics-server reports it. */
export function formatNanoCores(nano: number): string {
  return `${Math.round(nano)}n`;
}
