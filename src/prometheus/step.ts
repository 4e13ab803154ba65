// Range and step choice. Prometheus refuses a range query whose (end - start) / step exceeds
// 11,000 points ("exceeded maximum resolution of 11,000 points per timeseries"), so every step
// goes through safeStep.

export const MAX_POINTS = 11_000;

// Steps a person reads easily on an axis and that line up with common scrape intervals.
const NICE_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];

export type RangeId = '15m' | '1h' | '6h' | '24h' | '7d';

export interface RangeChoice {
  readonly id: RangeId;
  readonly label: string;
  readonly seconds: number;
  /** A few hundred points at most: enough for a leak's slope, light for the chart. */
  readonly stepSeconds: number;
}

// 1 h at 60 s is the runbook's own query.
export const RANGES: readonly RangeChoice[] = [
  { id: '15m', label: 'Last 15 minutes', seconds: 15 * 60, stepSeconds: 15 },
  { id: '1h', label: 'Last hour', seconds: 3600, stepSeconds: 60 },
  { id: '6h', label: 'Last 6 hours', seconds: 6 * 3600, stepSeconds: 120 },
  { id: '24h', label: 'Last 24 hours', seconds: 24 * 3600, stepSeconds: 300 },
  { id: '7d', label: 'Last 7 days', seconds: 7 * 86400, stepSeconds: 1800 },
];

export const DEFAULT_RANGE: RangeId = '1h';

export function rangeChoice(id: string): RangeChoice {
  return RANGES.find((r) => r.id === id) ?? RANGES.find((r) => r.id === DEFAULT_RANGE)!;
}

/** Points Prometheus evaluates for a range query. */
export function pointCount(startSeconds: number, endSeconds: number, stepSeconds: number): number {
  return Math.floor((endSeconds - startSeconds) / stepSeconds) + 1;
}

/**
 * The step to use: the wanted one, raised to the smallest nice step (or, past the table, a
 * whole multiple of a day) that keeps the query within maxPoints.
 */
export function safeStep(rangeSeconds: number, wantedStep: number, maxPoints = MAX_POINTS): number {
  if (!(rangeSeconds > 0) || !(wantedStep > 0)) throw new RangeError('range and step must be positive');
  const fits = (step: number) => Math.floor(rangeSeconds / step) + 1 <= maxPoints;
  if (fits(wantedStep)) return wantedStep;
  for (const step of NICE_STEPS) if (step >= wantedStep && fits(step)) return step;
  const minimum = rangeSeconds / (maxPoints - 1);
  return Math.ceil(minimum / 86400) * 86400;
}

/** A step for any window (a zoom, a custom range): about targetPoints points, never below minStep. */
export function stepForRange(rangeSeconds: number, targetPoints = 360, minStep = 15): number {
  const raw = Math.max(minStep, rangeSeconds / targetPoints);
  const nice = NICE_STEPS.find((s) => s >= raw) ?? Math.ceil(raw / 86400) * 86400;
  return safeStep(rangeSeconds, nice);
}

/** The window ending now; not aligned to the step, so the newest sample is always in it. */
export function windowEndingAt(nowSeconds: number, choice: RangeChoice): { start: number; end: number; step: number } {
  const step = safeStep(choice.seconds, choice.stepSeconds);
  const end = Math.floor(nowSeconds);
  return { start: end - choice.seconds, end, step };
}
