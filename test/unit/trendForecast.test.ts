import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Sample } from '../../src/triage/model.ts';
import { currentRateStart, MIB } from '../../src/triage/trendFit.ts';
import { summarizeContainer } from '../../src/triage/trendVerdict.ts';

// The forecast follows the current rate: shapes made by hand (a deterministic jitter stands in
// for scrape noise). The recorded series of real OOM kills are replayed in trendRecorded.test.ts.

const T0 = 1_764_000_000;
const STEP = 15;
const LIMIT = 176 * MIB;
const options = { warningPercent: 80, criticalPercent: 90 };
const jitter = (i: number) => ((i * 7919) % 13) / 13 - 0.5; // -0.5..0.5 MiB, no pattern a line follows

function series(values: readonly number[]): Sample[] {
  return values.map((v, i) => [T0 + i * STEP, (v + jitter(i)) * MIB]);
}
const summarize = (values: readonly number[]) => summarizeContainer({ pod: 'api-1', container: 'api', samples: series(values) }, LIMIT, [], STEP, options);

test('a leak that starts after 5 flat minutes: the rate and the projection come from the climb alone', () => {
  // 60 MiB for 5 min, then +22 MiB/min (5.5 MiB per 15 s step) for 2 min: 104 MiB now
  const flat = Array.from({ length: 20 }, () => 60);
  const climb = Array.from({ length: 9 }, (_, i) => 60 + 5.5 * i);
  const row = summarize([...flat, ...climb]);
  assert.equal(row.verdict, 'growing');
  assert.ok(Math.abs(row.slopeMiBPerMinute! - 22) < 1.5, `slope ${row.slopeMiBPerMinute}`);
  // the fit starts where the climb did (within one step), not at the first sample
  assert.ok(Math.abs(row.fitFromSeconds! - (T0 + 19 * STEP)) <= STEP, `from ${row.fitFromSeconds! - T0}`);
  // 72 MiB to go at 22 MiB/min: about 196 s
  const expected = ((176 - 104) / 22) * 60;
  assert.ok(Math.abs(row.secondsToLimit! - expected) / expected < 0.1, `projection ${row.secondsToLimit} s, expected ${expected}`);
  assert.ok(row.r2! > 0.95);
});

test('a leak from the start is one line: no split, the whole piece is fitted', () => {
  const values = Array.from({ length: 30 }, (_, i) => 40 + 4 * i);
  const row = summarize(values);
  assert.equal(row.fitFromSeconds, T0);
  assert.ok(Math.abs(row.slopeMiBPerMinute! - 16) < 0.5);
  assert.equal(currentRateStart(series(values), 5), 0);
});

test('a climb that levelled off is steady now: the plateau is the current rate', () => {
  const climb = Array.from({ length: 15 }, (_, i) => 40 + 5 * i); // up to 110
  const plateau = Array.from({ length: 12 }, () => 110);
  const row = summarize([...climb, ...plateau]);
  assert.equal(row.verdict, 'steady');
  assert.equal(row.secondsToLimit, undefined);
  assert.ok(Math.abs(row.slopeMiBPerMinute!) < 1);
});

test('one big allocation that does not grow is a step, not a leak', () => {
  // a cache loaded once: +40 MiB between two samples, flat before and after
  const row = summarize([...Array.from({ length: 20 }, () => 60), ...Array.from({ length: 8 }, () => 100)]);
  assert.notEqual(row.verdict, 'growing');
  assert.equal(row.secondsToLimit, undefined);
});

test('a spike that falls back does not turn a flat series into growth', () => {
  const values = Array.from({ length: 30 }, () => 70);
  values[22] = 130; // one scrape during a burst; the fall after it is a reset
  const row = summarize(values);
  assert.equal(row.verdict, 'steady');
});

test('a sawtooth stays churn: the current-rate split does not find a leak in one of its ramps', () => {
  const ramp = [60, 75, 90, 105, 120];
  const row = summarize([...ramp, ...ramp, ...ramp, ...ramp, ...ramp]);
  assert.equal(row.verdict, 'sawtooth');
  assert.equal(row.secondsToLimit, undefined);
});

test('flat, slow, then fast: the fast part is the current rate', () => {
  const flat = Array.from({ length: 12 }, () => 50);
  const slow = Array.from({ length: 12 }, (_, i) => 50 + 0.5 * i); // +2 MiB/min
  const fast = Array.from({ length: 8 }, (_, i) => 56 + 5 * (i + 1)); // +20 MiB/min
  const row = summarize([...flat, ...slow, ...fast]);
  assert.equal(row.verdict, 'growing');
  assert.ok(row.slopeMiBPerMinute! > 17, `slope ${row.slopeMiBPerMinute}`);
});

test("the query's last steps repeating the last scrape (lookback) are one sample, not a leak that stopped", () => {
  // +4 MiB/min at a 15 s step, scraped every 60 s: the newest scrape shows again at the last three steps
  const at = (i: number) => 100 + i; // MiB at step i (1 MiB per 15 s)
  const samples: Sample[] = Array.from({ length: 40 }, (_, i) => [T0 + i * STEP, at(Math.min(i, 36)) * MIB]);
  const row = summarizeContainer({ pod: 'api-1', container: 'api', samples }, 256 * MIB, [], STEP, options);
  assert.equal(row.verdict, 'growing');
  assert.ok(Math.abs(row.slopeMiBPerMinute! - 4) < 0.01, `slope ${row.slopeMiBPerMinute}`);
  assert.ok(Math.abs(row.secondsToLimit! - ((256 - 136) / 4) * 60) < 1, `projection ${row.secondsToLimit}`);
});

test('a real plateau of equal values longer than a lookback stays a plateau', () => {
  const samples: Sample[] = Array.from({ length: 60 }, (_, i) => [T0 + i * STEP, (100 + Math.min(i, 30)) * MIB]);
  const row = summarizeContainer({ pod: 'api-1', container: 'api', samples }, 256 * MIB, [], STEP, options);
  assert.notEqual(row.verdict, 'growing');
});
