import type { MemoryTrend, Sample, SeriesOf, TrendEvent } from './model.ts';
import { fitCurrentRate, fitLine, withoutLookbackEnd, fitShortRise, MIB, secondsToLimit, slopeMiBPerMinute, type LinearFit } from './trendFit.ts';
import { formatBytes, formatRate } from './trendFormat.ts';
import { shownPercent } from './pressure.ts';

export type TrendVerdictKind = 'steady' | 'growing' | 'sawtooth' | 'at-limit' | 'no-data';

/** One row of the trend table: a container's growth, projection and verdict. */
export interface ContainerTrend {
  readonly pod: string;
  readonly container: string;
  readonly latestBytes?: number;
  readonly limitBytes?: number;
  readonly slopeMiBPerMinute?: number;
  readonly r2?: number;
  /**
   * Where the fitted part starts: after the last restart, and where the current rate began when
   * the growth changed since (a leak that started late). The chart draws the fitted line over it.
   */
  readonly fitFromSeconds?: number;
  readonly fitToSeconds?: number;
  /** The fitted line's value at fitFromSeconds and at fitToSeconds. */
  readonly fitFromBytes?: number;
  readonly fitToBytes?: number;
  readonly secondsToLimit?: number;
  readonly restarts: number;
  readonly oomKills: number;
  /** Falls from near the limit with no restart recorded: OOM kills Prometheus did not see as such. */
  readonly limitDrops: number;
  readonly verdict: TrendVerdictKind;
  readonly verdictText: string;
}

export interface VerdictOptions {
  /** percent of the limit: the runbook's 80 */
  readonly warningPercent: number;
  /** percent of the limit from which a container is "at limit" */
  readonly criticalPercent: number;
}

// A fall of a fifth between two samples is a reset (GC, cache eviction, restart), not noise.
const DROP_FRACTION = 0.2;
// Fewer points than this make a slope that means nothing.
const MIN_FIT_SAMPLES = 5;
// A line must explain this much of the variance before we call it growth.
const MIN_R2 = 0.6;
// ...and grow by at least this much over its span (absolute, and relative to the limit).
const MIN_GROWTH_BYTES = 2 * MIB;
const MIN_GROWTH_OF_LIMIT = 0.02;

export function summarizeTrend(trend: MemoryTrend, options: VerdictOptions): ContainerTrend[] {
  return trend.workingSet.map((series) => {
    const limit = lastValue(trend.limits.find((l) => l.pod === series.pod && l.container === series.container));
    const events = trend.events.filter((e) => e.pod === series.pod && e.container === series.container);
    return summarizeContainer(series, limit, events, trend.stepSeconds, options);
  });
}

export function summarizeContainer(
  series: SeriesOf,
  limit: number | undefined,
  events: readonly TrendEvent[],
  stepSeconds: number,
  options: VerdictOptions,
): ContainerTrend {
  const base = {
    pod: series.pod,
    container: series.container,
    limitBytes: limit,
    restarts: events.length,
    oomKills: events.filter((e) => e.kind === 'OOMKilled').length,
  };
  const samples = withoutLookbackEnd(series.samples);
  if (samples.length < 2) return { ...base, limitDrops: 0, verdict: 'no-data', verdictText: 'not enough samples in this window' };
  const latest = samples[samples.length - 1]![1];

  const cuts = resetPoints(samples, stepSeconds);
  // Only real falls are counted: a gap alone (Prometheus or the scrape was down) splits the fit
  // but is neither churn nor a kill, since the value after it may be the same as before.
  const falls = cuts.filter((i) => isFall(samples, i) && !nearEvent(samples[i]![0], events, stepSeconds));
  // A fall from the critical share of the limit is the OOM killer's work even when no restart
  // was recorded (no kube-state-metrics, or two kills inside one step): not GC churn.
  const nearLimit = (i: number) => limit !== undefined && samples[i - 1]![1] >= (limit * options.criticalPercent) / 100;
  const limitDrops = falls.filter(nearLimit).length;
  const churnCuts = falls.length - limitDrops;

  // Growth is judged after the last reset: a leak restarted by an OOM kill climbs again from low.
  // If the last piece is too short, the piece before it tells the rate just as well. Inside the
  // piece, the rate is the current one: from where the growth last changed (trendFit.ts).
  const pieces = split(samples, cuts);
  const piece = [...pieces].reverse().find((p) => p.length >= MIN_FIT_SAMPLES);
  // A new pod with a few samples only: a clean rise is believed (trendFit.ts, fitShortRise).
  const pieceFit = piece ? fitCurrentRate(piece, MIN_FIT_SAMPLES) : fitShortRise(pieces[pieces.length - 1]!);
  // A GC sawtooth ramps up between drops; only a rising floor over the whole window is a leak.
  const fit = churnCuts >= 2 ? fitLine(samples) : pieceFit;
  const growing = fit !== undefined && isGrowth(fit, limit, churnCuts >= 2 ? MIN_R2 / 2 : MIN_R2);

  const figures = {
    ...base,
    limitDrops,
    latestBytes: latest,
    slopeMiBPerMinute: fit ? slopeMiBPerMinute(fit) : undefined,
    r2: fit?.r2,
    fitFromSeconds: fit?.fromSeconds,
    fitToSeconds: fit?.toSeconds,
    fitFromBytes: fit?.intercept,
    fitToBytes: fit ? fit.intercept + fit.slope * (fit.toSeconds - fit.fromSeconds) : undefined,
    secondsToLimit: limit !== undefined && fit && growing ? secondsToLimit(latest, fit.slope, limit) : undefined,
  };

  if (limit !== undefined && latest >= (limit * options.criticalPercent) / 100) {
    return { ...figures, secondsToLimit: secondsToLimit(latest, fit?.slope ?? 0, limit), verdict: 'at-limit', verdictText: `at limit: ${percent(latest, limit)} of ${formatBytes(limit)}` };
  }
  if (growing) {
    const why = [formatRate(slopeMiBPerMinute(fit))];
    if (base.oomKills > 0) why.push(`OOMKilled ${base.oomKills}× in this window`);
    else if (limitDrops > 0) why.push(`fell back from the limit ${limitDrops}× in this window`);
    else if (churnCuts >= 2) why.push('rising under a GC sawtooth');
    return { ...figures, verdict: 'growing', verdictText: `growing: leak suspected (${why.join(', ')})` };
  }
  if (churnCuts >= 2) {
    return { ...figures, verdict: 'sawtooth', verdictText: `sawtooth: GC or cache churn (${churnCuts} drops without a restart)` };
  }
  const note = base.oomKills > 0 ? ` since the last restart (OOMKilled ${base.oomKills}× in this window)` : '';
  const warn = limit !== undefined && latest >= (limit * options.warningPercent) / 100 ? `, above ${options.warningPercent}% of the limit` : '';
  return { ...figures, verdict: 'steady', verdictText: `steady${note}${warn}` };
}

function isGrowth(fit: LinearFit, limit: number | undefined, minR2: number): boolean {
  if (!(fit.slope > 0) || fit.r2 < minR2) return false;
  const grown = fit.slope * (fit.toSeconds - fit.fromSeconds);
  return grown >= MIN_GROWTH_BYTES && (limit === undefined || grown >= limit * MIN_GROWTH_OF_LIMIT);
}

/** Indexes where a new piece starts: a sharp fall, or a gap of several steps (the container was gone). */
export function resetPoints(samples: readonly Sample[], stepSeconds: number): number[] {
  const cuts: number[] = [];
  for (let i = 1; i < samples.length; i++) {
    const [t, v] = samples[i]!;
    const [tp, vp] = samples[i - 1]!;
    if (v < vp * (1 - DROP_FRACTION) || t - tp > 3 * stepSeconds) cuts.push(i);
  }
  return cuts;
}

/** Sample i is a sharp fall from the one before it (not merely after a gap). */
function isFall(samples: readonly Sample[], i: number): boolean {
  return samples[i]![1] < samples[i - 1]![1] * (1 - DROP_FRACTION);
}

function split(samples: readonly Sample[], cuts: readonly number[]): Sample[][] {
  const pieces: Sample[][] = [];
  let from = 0;
  for (const c of [...cuts, samples.length]) {
    pieces.push(samples.slice(from, c));
    from = c;
  }
  return pieces;
}

function nearEvent(t: number, events: readonly TrendEvent[], stepSeconds: number): boolean {
  return events.some((e) => Math.abs(e.atSeconds - t) <= 2 * stepSeconds);
}

function lastValue(series: SeriesOf | undefined): number | undefined {
  const last = series?.samples[series.samples.length - 1];
  return last && last[1] > 0 ? last[1] : undefined;
}

// floored like the tree's gauges: the number never reaches a threshold before the verdict does
function percent(value: number, limit: number): string {
  return `${shownPercent((value * 100) / limit)}%`;
}
