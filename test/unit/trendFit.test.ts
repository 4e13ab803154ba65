import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Sample } from '../../src/triage/model.ts';
import { fitLine, MIB, secondsToLimit, slopeMiBPerMinute } from '../../src/triage/trendFit.ts';
import { formatBytes, formatDuration, formatFit, formatRate, formatTimeToLimit } from '../../src/triage/trendFormat.ts';

const T0 = 1_764_000_000; // epoch seconds: large times must not cost precision

test('a clean line: 10 MiB/min, R² 1', () => {
  const samples: Sample[] = [0, 1, 2, 3, 4].map((m) => [T0 + m * 60, (100 + 10 * m) * MIB]);
  const fit = fitLine(samples)!;
  assert.ok(Math.abs(slopeMiBPerMinute(fit) - 10) < 1e-9);
  assert.ok(Math.abs(fit.r2 - 1) < 1e-12);
  assert.ok(Math.abs(fit.intercept - 100 * MIB) < 1e-3);
  assert.equal(fit.n, 5);
  // 140 MiB now, 372 MiB to go at 10 MiB/min: 37.2 min
  assert.ok(Math.abs(secondsToLimit(140 * MIB, fit.slope, 512 * MIB)! - 37.2 * 60) < 1e-6);
});

test('a noisy case worked by hand: slope 0.5 MiB/min, R² 0.25', () => {
  // t = 0, 60, 120 s; v = 1, 3, 2 MiB. Means 60 and 2. Stv = 60, Stt = 7200, Svv = 2.
  const fit = fitLine([[T0, 1 * MIB], [T0 + 60, 3 * MIB], [T0 + 120, 2 * MIB]])!;
  assert.ok(Math.abs(slopeMiBPerMinute(fit) - 0.5) < 1e-9);
  assert.ok(Math.abs(fit.r2 - 0.25) < 1e-12);
});

test('flat and degenerate inputs', () => {
  const flat = fitLine([[T0, 5], [T0 + 60, 5], [T0 + 120, 5]])!;
  assert.equal(flat.slope, 0);
  assert.equal(flat.r2, 1);
  assert.equal(fitLine([[T0, 5]]), undefined);
  assert.equal(fitLine([[T0, 5], [T0, 6]]), undefined);
});

test('time to limit: never when shrinking, zero when over', () => {
  assert.equal(secondsToLimit(100, -1, 200), undefined);
  assert.equal(secondsToLimit(100, 0, 200), undefined);
  assert.equal(secondsToLimit(250, 1, 200), 0);
  assert.equal(secondsToLimit(100, 2, 200), 50);
});

test('the words on the table', () => {
  assert.equal(formatTimeToLimit(14 * 60, 512 * MIB), 'reaches 512 MiB in ~14 min');
  assert.equal(formatTimeToLimit(0, 512 * MIB), 'at 512 MiB now');
  assert.equal(formatTimeToLimit(undefined, 2 * 1024 * MIB), 'not heading for 2.00 GiB');
  assert.equal(formatTimeToLimit(100, undefined), 'no memory limit');
  assert.equal(formatDuration(30), '< 1 min');
  assert.equal(formatDuration(125 * 60), '~2 h 5 min');
  assert.equal(formatDuration(3 * 86400 + 4 * 3600), '~3 d 4 h');
  assert.equal(formatBytes(412 * MIB), '412 MiB');
  assert.equal(formatBytes(12.34 * MIB), '12.3 MiB');
  assert.equal(formatRate(6.84), '+6.8 MiB/min');
  assert.equal(formatRate(-0.123), '-0.12 MiB/min');
  assert.equal(formatRate(0.001), '0 MiB/min');
  assert.equal(formatFit(0.95), 'strong (R² 0.95)');
  assert.equal(formatFit(0.3), 'weak (R² 0.30)');
});
