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

// A range query evaluates at each step; the newest steps show the last scrape again (Prometheus'
// lookback) when the query's end is later than it. Those repeats are one sample, not a plateau:
// a leak would read as flat at its end. A run of equal values this short is dropped to its first.
const LOOKBACK_REPEAT_SECONDS = 120;

/** The samples without the repeats of the last value at their end (see above); a longer run stays. */
export function withoutLookbackEnd(samples: readonly Sample[]): readonly Sample[] {
  let first = samples.length - 1;
  while (first > 0 && samples[first - 1]![1] === samples[first]![1]) first--;
  const last = samples.length - 1;
  if (first === last || first === 0 || samples[last]![0] - samples[first]![0] > LOOKBACK_REPEAT_SECONDS) return samples;
  return samples.slice(0, first + 1);
}

// --- The current rate --------------------------------------------------------------------
// A leak often starts late: after a quiet period, a deploy or a traffic change, with no restart
// in between. One line over the whole piece then averages the flat part into the slope and
// projects the kill far too late. So the piece is split where the growth changed: the two-line
// fit with the smallest squared error, kept only when it explains the points clearly better than
// one line (BIC), and again inside the recent part (flat, slow, then fast).

/** Sums over a range of samples, so the error of any line segment costs O(1). */
class PrefixSums {
  private readonly n: Float64Array;
  private readonly t: Float64Array;
  private readonly v: Float64Array;
  private readonly tt: Float64Array;
  private readonly tv: Float64Array;
  private readonly vv: Float64Array;
  private readonly minutes: Float64Array;

  constructor(samples: readonly Sample[]) {
    this.minutes = new Float64Array(samples.length);
    const len = samples.length + 1;
    [this.n, this.t, this.v, this.tt, this.tv, this.vv] = Array.from({ length: 6 }, () => new Float64Array(len));
    // minutes and MiB from the first sample: small numbers keep the sums exact enough
    const t0 = samples[0]?.[0] ?? 0;
    samples.forEach(([ts, bytes], i) => {
      const t = (ts - t0) / 60;
      const v = bytes / MIB;
      this.minutes[i] = t;
      this.n[i + 1] = i + 1;
      this.t[i + 1] = this.t[i]! + t;
      this.v[i + 1] = this.v[i]! + v;
      this.tt[i + 1] = this.tt[i]! + t * t;
      this.tv[i + 1] = this.tv[i]! + t * v;
      this.vv[i + 1] = this.vv[i]! + v * v;
    });
  }

  /** Squared error (MiB²) of the least-squares line through samples [from, to). */
  sse(from: number, to: number): number {
    const { stt, stv, svv } = this.centred(from, to);
    return Math.max(0, stt > 0 ? svv - (stv * stv) / stt : svv);
  }

  /** Slope (MiB/min) of that line. */
  slope(from: number, to: number): number {
    const { stt, stv } = this.centred(from, to);
    return stt > 0 ? stv / stt : 0;
  }

  /** That line's value (MiB) at the time of sample `at`. */
  valueAt(from: number, to: number, at: number): number {
    const n = to - from;
    const meanT = (this.t[to]! - this.t[from]!) / n;
    const meanV = (this.v[to]! - this.v[from]!) / n;
    return meanV + this.slope(from, to) * (this.minutes[at]! - meanT);
  }

  private centred(from: number, to: number): { stt: number; stv: number; svv: number } {
    const n = to - from;
    const d = (a: Float64Array) => a[to]! - a[from]!;
    return {
      stt: d(this.tt) - (d(this.t) * d(this.t)) / n,
      stv: d(this.tv) - (d(this.t) * d(this.v)) / n,
      svv: d(this.vv) - (d(this.v) * d(this.v)) / n,
    };
  }
}

// The working set is measured to the page, and scrapes jitter by a little: below this spread
// (MiB per sample) two lines are not "better" than one, however straight synthetic data is.
const NOISE_FLOOR_MIB = 0.05;
// A line and a break cost more parameters; BIC asks for at least this much gain for them.
const SPLIT_PARAMETERS = 3;
// ...and the two rates must differ: by a quarter of the larger, and by 0.5 MiB/min at least.
// Two halves of one leak line are one rate; splitting them only makes the fit noisier.
const SAME_RATE_FRACTION = 0.25;
const SAME_RATE_MIB_PER_MINUTE = 0.5;
// A jump between the two lines at the break (a cache filled at once) is a change too: the rate
// after it is the one that counts, not the slope of a line drawn across the jump.
const LEVEL_JUMP_MIB = 2;

function bic(sse: number, n: number, parameters: number): number {
  return n * Math.log(sse / n + NOISE_FLOOR_MIB ** 2) + parameters * Math.log(n);
}

/**
 * Where the current rate starts in `samples`: the index of the first sample of the recent part a
 * line explains, 0 when the whole explains it best. The recent part keeps at least `minRecent`
 * samples, so a single late jump does not make a steep line of its own.
 */
export function currentRateStart(samples: readonly Sample[], minRecent: number): number {
  const sums = new PrefixSums(samples);
  let from = 0;
  // at most three changes: a quiet start, a slow rise, the fast part now
  for (let round = 0; round < 3; round++) {
    const n = samples.length - from;
    if (n < minRecent + 3) break;
    const one = bic(sums.sse(from, samples.length), n, 2);
    let best = -1;
    let bestBic = one;
    for (let k = from + 3; k <= samples.length - minRecent; k++) {
      const two = bic(sums.sse(from, k) + sums.sse(k, samples.length), n, 2 + SPLIT_PARAMETERS);
      if (two < bestBic) {
        bestBic = two;
        best = k;
      }
    }
    if (best < 0) break;
    const before = sums.slope(from, best);
    const after = sums.slope(best, samples.length);
    const sameRate = Math.abs(after - before) < Math.max(SAME_RATE_MIB_PER_MINUTE, SAME_RATE_FRACTION * Math.max(Math.abs(before), Math.abs(after)));
    const jump = Math.abs(sums.valueAt(best, samples.length, best) - sums.valueAt(from, best, best));
    if (sameRate && jump < LEVEL_JUMP_MIB) break;
    from = best;
  }
  return from;
}

// A change in the last few samples (a leak that began two scrapes ago at a coarse step) is
// believed from as few as this many samples, counting the one it started from...
const SHORT_RECENT = 3;
// ...when a line explains them almost perfectly and each rises over the one before: a one-off
// allocation (a jump, then flat) fails both, and waits for minRecent samples like any change.
const SHORT_RECENT_R2 = 0.9;

/** The line through the recent part of `samples` that grows at the current rate (see above). */
export function fitCurrentRate(samples: readonly Sample[], minRecent: number): LinearFit | undefined {
  const from = currentRateStart(samples, minRecent);
  const fit = fitLine(samples.slice(from));
  const short = currentRateStart(samples, SHORT_RECENT);
  if (short > from) {
    // Only a steeper rise: a slower last step is most often the newest point's lookback (the
    // query's end is later than the scrape it shows), and a slowing leak is still the leak.
    const rise = fitShortRise(samples.slice(short));
    if (rise && rise.slope > (fit?.slope ?? 0)) return rise;
  }
  return fit;
}

/** The line through a few samples, when they are a clean rise (see SHORT_RECENT); else undefined. */
export function fitShortRise(samples: readonly Sample[]): LinearFit | undefined {
  if (samples.length < SHORT_RECENT || !samples.every((s, i) => i === 0 || s[1] > samples[i - 1]![1])) return undefined;
  const fit = fitLine(samples);
  return fit && fit.r2 >= SHORT_RECENT_R2 ? fit : undefined;
}
