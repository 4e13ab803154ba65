import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_POINTS, pointCount, RANGES, rangeChoice, safeStep, stepForRange, windowEndingAt } from '../../src/prometheus/step.ts';

test('the default hour is the runbook query: 60 s step, 61 points', () => {
  const w = windowEndingAt(1_700_000_000, rangeChoice('1h'));
  assert.deepEqual(w, { start: 1_700_000_000 - 3600, end: 1_700_000_000, step: 60 });
  assert.equal(pointCount(w.start, w.end, w.step), 61);
});

test('every preset stays under the 11,000 point limit', () => {
  for (const r of RANGES) {
    const w = windowEndingAt(1_700_000_123, r);
    assert.ok(pointCount(w.start, w.end, w.step) <= MAX_POINTS, r.id);
  }
  assert.equal(rangeChoice('nonsense').id, '1h');
});

test('a step too fine for the range is raised to a nice step that fits', () => {
  // 7 days at 1 s would be 604,801 points; 55 s is the least that fits, 60 s the nice one
  assert.equal(safeStep(7 * 86400, 1), 60);
  assert.ok(pointCount(0, 7 * 86400, 60) <= MAX_POINTS);
  // exactly at the edge: 10,999 s at 1 s is 11,000 points, allowed; one more second is not
  assert.equal(safeStep(10_999, 1), 1);
  assert.equal(safeStep(11_000, 1), 2);
  // two years: 5,734 s needed, 7,200 s is the next nice step
  assert.equal(safeStep(2 * 365 * 86400, 60), 7200);
  // past the table: a century needs whole days (286,728 s -> 4 days)
  const century = 100 * 365 * 86400;
  assert.equal(safeStep(century, 60), 4 * 86400);
  assert.ok(pointCount(0, century, 4 * 86400) <= MAX_POINTS);
  assert.throws(() => safeStep(0, 60), RangeError);
});

test('stepForRange aims at a few hundred points and respects the minimum', () => {
  assert.equal(stepForRange(3600), 15); // 10 s wanted, 15 s minimum
  assert.equal(stepForRange(86400), 300); // 240 s wanted -> 300
  assert.equal(stepForRange(30 * 86400), 7200);
});
