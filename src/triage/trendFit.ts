import type { Sample } from './model.ts';

// Least squares on (time, bytes). Slopes are reported in MiB per minute because that is the unit
// an on-call engineer compares against a limit in MiB; R² says how well a straight line explains
// the points (1: a clean leak line; near 0: noise or a sawtooth).

export const MIB = 1024 * 1024;

export interface LinearFit {
  /** bytes per second */
  readonly slope: number;
  /** fitted bytes at t = fromSeconds */
  readonly intercept: number;
  readonly r2: number;
  readonly n: number;
  readonly fromSeconds: number;
  readonly toSeconds: number;
}

/** The least-squares line through the samples; undefined with fewer than two distinct times. */
export function fitLine(samples: readonly Sample[]): LinearFit | undefined {
  const n = samples.length;
  if (n < 2) return undefined;
  const t0 = samples[0]![0];
  // centre both axes: sums of large epoch seconds and bytes squared would lose precision
  let mt = 0;
  let mv = 0;
  for (const [t, v] of samples) {
    mt += t - t0;
    mv += v;
  }
  mt /= n;
  mv /= n;
  let stt = 0;
  let stv = 0;
  let svv = 0;
  for (const [t, v] of samples) {
    const dt = t - t0 - mt;
    const dv = v - mv;
    stt += dt * dt;
    stv += dt * dv;
    svv += dv * dv;
  }
  if (stt === 0) return undefined;
  const slope = stv / stt;
  // a flat line explains flat data perfectly
  const r2 = svv === 0 ? 1 : (stv * stv) / (stt * svv);
  return {
    slope,
    intercept: mv - slope * mt,
    r2,
    n,
    fromSeconds: t0,
    toSeconds: samples[n - 1]![0],
  };
}

export function slopeMiBPerMinute(fit: LinearFit): number {
  return (fit.slope * 60) / MIB;
}

/**
 * Seconds until `current` reaches `limit` growing at `slope` bytes/s: 0 when already there,
 * undefined when not growing (it never gets there at this rate).
 */
export function secondsToLimit(current: number, slope: number, limit: number): number | undefined {
  if (current >= limit) return 0;
  if (!(slope > 0)) return undefined;
  return (limit - current) / slope;
}
