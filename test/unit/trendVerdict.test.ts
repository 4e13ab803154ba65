import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MemoryTrend, Sample, TrendEvent } from '../../src/triage/model.ts';
import { MIB } from '../../src/triage/trendFit.ts';
import { summarizeTrend } from '../../src/triage/trendVerdict.ts';

const T0 = 1_764_000_000;
const STEP = 60;
const LIMIT = 512 * MIB;
const options = { warningPercent: 80, criticalPercent: 90 };

function trendOf(values: number[], events: TrendEvent[] = [], limit: number | null = LIMIT): MemoryTrend {
  const samples: Sample[] = values.map((v, i) => [T0 + i * STEP, v * MIB]);
  return {
    namespace: 'default',
    startSeconds: T0,
    endSeconds: T0 + (values.length - 1) * STEP,
    stepSeconds: STEP,
    workingSet: [{ pod: 'api-1', container: 'api', samples }],
    limits: limit === null ? [] : [{ pod: 'api-1', container: 'api', samples: samples.map(([t]) => [t, limit] as const) }],
    events,
    source: 'test',
  };
}

test('a steady climb is a suspected leak with a projection', () => {
  // 200 MiB + 5 MiB/min for 30 min: 345 MiB now, 167 MiB to go -> 33.4 min
  const [row] = summarizeTrend(trendOf(Array.from({ length: 30 }, (_, i) => 200 + 5 * i)), options);
  assert.equal(row!.verdict, 'growing');
  assert.match(row!.verdictText, /^growing: leak suspected \(\+5\.0 MiB\/min\)$/);
  assert.ok(Math.abs(row!.slopeMiBPerMinute! - 5) < 1e-9);
  assert.ok(Math.abs(row!.secondsToLimit! - 33.4 * 60) < 1e-6);
});

test('near the limit is "at limit", with the percentage', () => {
  const [row] = summarizeTrend(trendOf([470, 472, 475, 478, 480, 480]), options);
  assert.equal(row!.verdict, 'at-limit');
  assert.equal(row!.verdictText, 'at limit: 93% of 512 MiB'); // 480/512 = 93.75 %, floored
});

test('a sawtooth without restarts is GC or cache churn, not a leak', () => {
  const ramp = [200, 215, 230, 245, 260];
  const [row] = summarizeTrend(trendOf([...ramp, ...ramp, ...ramp, ...ramp]), options);
  assert.equal(row!.verdict, 'sawtooth');
  assert.equal(row!.verdictText, 'sawtooth: GC or cache churn (3 drops without a restart)');
  assert.equal(row!.secondsToLimit, undefined);
});

test('a sawtooth over a rising floor is still a leak', () => {
  const values: number[] = [];
  // each cycle falls by more than a fifth, but starts 20 MiB higher than the one before
  for (let cycle = 0; cycle < 4; cycle++) for (const r of [0, 15, 30, 45, 60]) values.push(100 + 20 * cycle + r);
  const [row] = summarizeTrend(trendOf(values), options);
  assert.equal(row!.verdict, 'growing');
  assert.match(row!.verdictText, /rising under a GC sawtooth/);
});

test('growth killed by OOM and growing again: the slope comes from after the restart', () => {
  const before = Array.from({ length: 10 }, (_, i) => 100 + 40 * i); // 100..460
  const after = Array.from({ length: 8 }, (_, i) => 50 + 10 * i); // restarted: 50..120
  const oomAt = T0 + 10 * STEP;
  const [row] = summarizeTrend(
    trendOf([...before, ...after], [{ pod: 'api-1', container: 'api', atSeconds: oomAt, kind: 'OOMKilled' }]),
    options,
  );
  assert.equal(row!.verdict, 'growing');
  assert.equal(row!.oomKills, 1);
  assert.ok(Math.abs(row!.slopeMiBPerMinute! - 10) < 1e-9, String(row!.slopeMiBPerMinute));
  assert.equal(row!.fitFromSeconds, oomAt);
  assert.match(row!.verdictText, /OOMKilled 1× in this window/);
  // 120 MiB now at 10 MiB/min: 39.2 min to 512 MiB
  assert.ok(Math.abs(row!.secondsToLimit! - 39.2 * 60) < 1e-6);
});

test('flat with noise is steady; above the warning threshold says so', () => {
  const [low] = summarizeTrend(trendOf([300, 302, 299, 301, 300, 298, 301]), options);
  assert.equal(low!.verdict, 'steady');
  assert.equal(low!.verdictText, 'steady');
  assert.equal(low!.secondsToLimit, undefined);
  const [high] = summarizeTrend(trendOf([420, 421, 419, 420, 421, 420]), options);
  assert.equal(high!.verdictText, 'steady, above 80% of the limit');
});

test('no limit: growth without a projection; too few samples: no data', () => {
  const [row] = summarizeTrend(trendOf(Array.from({ length: 10 }, (_, i) => 100 + 5 * i), [], null), options);
  assert.equal(row!.verdict, 'growing');
  assert.equal(row!.limitBytes, undefined);
  assert.equal(row!.secondsToLimit, undefined);
  const [none] = summarizeTrend(trendOf([100]), options);
  assert.equal(none!.verdict, 'no-data');
});

test('falls from the limit with no restart recorded are OOM kills, not GC churn', () => {
  const ramp = Array.from({ length: 11 }, (_, i) => 100 + 40 * i); // 100..500 MiB, 500 is 98% of 512
  const climbing = Array.from({ length: 8 }, (_, i) => 60 + 10 * i);
  const [row] = summarizeTrend(trendOf([...ramp, ...ramp, ...climbing]), options);
  assert.equal(row!.limitDrops, 2);
  assert.equal(row!.verdict, 'growing');
  assert.equal(row!.verdictText, 'growing: leak suspected (+10 MiB/min, fell back from the limit 2× in this window)');
  // the same shape far below the limit stays a GC sawtooth
  const low = [...ramp, ...ramp, ...ramp].map((v) => v / 4);
  const [churn] = summarizeTrend(trendOf(low), options);
  assert.equal(churn!.verdict, 'sawtooth');
  assert.equal(churn!.limitDrops, 0);
});

// Samples missing where Prometheus (or the scrape) was down: minutes `from` to `to`, inclusive.
function withGaps(trend: MemoryTrend, ...gaps: [number, number][]): MemoryTrend {
  const missing = (t: number) => gaps.some(([from, to]) => t >= T0 + from * STEP && t <= T0 + to * STEP);
  const [series] = trend.workingSet;
  return { ...trend, workingSet: [{ ...series!, samples: series!.samples.filter(([t]) => !missing(t)) }] };
}

test('gaps in the samples split the fit but are no drops: a flat series with two gaps is steady', () => {
  const flat = Array.from({ length: 60 }, (_, i) => 200 + (i % 2) * 0.1);
  const [row] = summarizeTrend(withGaps(trendOf(flat), [16, 20], [41, 45]), options);
  assert.equal(row!.verdict, 'steady', row!.verdictText);
  assert.equal(row!.verdictText, 'steady');
  assert.equal(row!.limitDrops, 0);
});

test('a steady leak with gaps is growth, not growth under a sawtooth; the fit starts after the last gap', () => {
  const leak = Array.from({ length: 60 }, (_, i) => 200 + i);
  const [row] = summarizeTrend(withGaps(trendOf(leak), [16, 20], [41, 45]), options);
  assert.equal(row!.verdictText, 'growing: leak suspected (+1.0 MiB/min)');
  assert.equal(row!.fitFromSeconds, T0 + 46 * STEP);
});

test('a gap near the limit with no fall after it is no OOM kill', () => {
  const high = Array.from({ length: 30 }, (_, i) => 470 + (i % 2));
  const [row] = summarizeTrend(withGaps(trendOf(high), [10, 15]), options);
  assert.equal(row!.limitDrops, 0);
  assert.equal(row!.verdict, 'at-limit');
});
