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

const binaryPower: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const decimalPower: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const decimalSuffix = Object.fromEntries(Object.entries(decimalPower).map(([s, e]) => [e, s]));
const binarySuffix = Object.fromEntries(Object.entries(binaryPower).map(([s, p]) => [p, s]));

/**
 * The form resource.Quantity serialises to (its CanonicalizeBytes): "2048Mi" -> "2Gi", "1000m" -> "1",
 * "0.5Gi" -> "512Mi", "1.5" -> "1500m". The value is kept exact (BigInt) and rounded up to nanos; the
 * format follows the suffix written (binary, decimal SI, or an exponent), and a binary quantity that
 * is below 1024 or not whole is written in decimal SI. A bare number stays decimal: "2147483648".
 * Undefined when the text is not a quantity.
 */
export function canonicalQuantity(input: unknown): string | undefined {
  const text = typeof input === 'number' && Number.isFinite(input) ? String(input) : input;
  if (typeof text !== 'string') return undefined;
  const m = pattern.exec(text.trim());
  if (!m) return undefined;
  const negative = m[1].startsWith('-');
  const [whole, fraction = ''] = m[1].replace(/^[+-]/, '').split('.');
  const suffix = m[2] ?? '';
  // value = mantissa * 10^exponent, exactly
  let mantissa = BigInt((whole || '0') + fraction);
  let exponent = -fraction.length;
  let format: 'binary' | 'decimal' | 'exponent';
  if (suffix in binaryPower) {
    mantissa *= 1024n ** BigInt(binaryPower[suffix]);
    format = 'binary';
  } else if (suffix in decimalPower) {
    exponent += decimalPower[suffix];
    format = 'decimal';
  } else {
    exponent += Number(suffix.slice(1));
    format = 'exponent';
  }
  if (mantissa === 0n) return '0';
  if (exponent < -9) {
    // Round up to the smallest unit (1n), as the API server does: asking for some gets some.
    const divisor = 10n ** BigInt(-9 - exponent);
    mantissa = (mantissa + divisor - 1n) / divisor;
    exponent = -9;
  }
  while (mantissa % 10n === 0n) {
    mantissa /= 10n;
    exponent++;
  }
  const sign = negative ? '-' : '';
  if (format === 'binary' && exponent >= 0) {
    let whole = mantissa * 10n ** BigInt(exponent);
    if (whole >= 1024n) {
      let power = 0;
      while (whole % 1024n === 0n && power < 6) {
        whole /= 1024n;
        power++;
      }
      return `${sign}${whole}${binarySuffix[power] ?? ''}`;
    }
  }
  while (exponent % 3 !== 0) {
    mantissa *= 10n;
    exponent--;
  }
  if (format === 'exponent') return `${sign}${mantissa}${exponent === 0 ? '' : `e${exponent}`}`;
  return `${sign}${mantissa}${decimalSuffix[exponent] ?? `e${exponent}`}`;
}
