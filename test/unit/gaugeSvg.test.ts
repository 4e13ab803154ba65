import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bucketOf, gaugeSvg } from '../../src/views/gaugeSvg.ts';

test('buckets by tenths, floored and clamped: full only at or over the limit', () => {
  assert.equal(bucketOf(0), 0);
  assert.equal(bucketOf(84), 80);
  assert.equal(bucketOf(86), 80);
  // 79.6% is below the 80% warning: its picture must not look like 80
  assert.equal(bucketOf(79.6), 70);
  assert.equal(bucketOf(95), 90);
  assert.equal(bucketOf(99.9), 90);
  assert.equal(bucketOf(100), 100);
  assert.equal(bucketOf(130), 100);
  assert.equal(bucketOf(-5), 0);
});

test('the arc grows with the percentage and takes the level colour per theme', () => {
  const half = gaugeSvg('normal', 50, 'dark');
  assert.match(half, /<path d="M8 2 A6 6 0 0 1 8\.00 14\.00"/);
  assert.match(half, /stroke="#89d185"/);
  assert.match(gaugeSvg('critical', 90, 'light'), /A6 6 0 1 1 .*stroke="#e51400"/);
  assert.match(gaugeSvg('warning', 100, 'dark'), /<circle cx="8" cy="8" r="6" fill="none" stroke="#cca700"/);
  // no arc at all without a limit or without metrics
  assert.doesNotMatch(gaugeSvg('no-limit', undefined, 'dark'), /<path d="M8 2/);
  assert.match(gaugeSvg('no-metrics', undefined, 'light'), />\?<\/text>/);
});
