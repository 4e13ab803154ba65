import assert from 'node:assert/strict';
import { test } from 'node:test';
import { byPressure, podGauge, containerPercent, groupByWorkload, isHot, levelOf, podLevel, podPercent, RUNBOOK_THRESHOLDS, shownPercent } from '../../src/triage/pressure.ts';
import { byName, fixturePods } from './fixtures/load.ts';

test('percent is per container against its own limit', () => {
  const api = byName(fixturePods(), 'api-7d9f8c6b5-x2k4q');
  assert.equal(Math.round(containerPercent(api.containers[0]!)! * 10) / 10, 80.5);
  // the sidecar has no limit: no percent, not a share of the other container's limit
  assert.equal(containerPercent(api.containers[1]!), undefined);
  assert.equal(levelOf(api.containers[1]!, RUNBOOK_THRESHOLDS), 'no-limit');
  assert.equal(Math.round(podPercent(api)!), 80);
  assert.equal(podLevel(api, RUNBOOK_THRESHOLDS), 'warning');
});

test('levels follow the thresholds', () => {
  const pods = fixturePods();
  assert.equal(podLevel(byName(pods, 'redis-0'), RUNBOOK_THRESHOLDS), 'critical');
  assert.equal(podLevel(byName(pods, 'api-7d9f8c6b5-mm8rt'), RUNBOOK_THRESHOLDS), 'normal');
  assert.equal(podLevel(byName(pods, 'api-7d9f8c6b5-mm8rt'), { warning: 20, critical: 30 }), 'warning');
  assert.equal(podLevel(byName(pods, 'debug-shell'), RUNBOOK_THRESHOLDS), 'no-metrics');
  assert.equal(podLevel(byName(fixturePods(false), 'redis-0'), RUNBOOK_THRESHOLDS), 'no-metrics');
});

test('pods sort by pressure, unmeasured last', () => {
  const sorted = [...fixturePods()].sort(byPressure).map((p) => p.ref.name);
  assert.deepEqual(sorted, ['redis-0', 'api-7d9f8c6b5-x2k4q', 'api-7d9f8c6b5-mm8rt', 'debug-shell']);
});

test('groups by workload, most pressed first, bare pods last', () => {
  const groups = groupByWorkload(fixturePods());
  assert.deepEqual(
    groups.map((g) => [g.workload.kind, g.workload.name, g.pods.map((p) => p.ref.name)]),
    [
      ['StatefulSet', 'redis', ['redis-0']],
      ['Deployment', 'api', ['api-7d9f8c6b5-x2k4q', 'api-7d9f8c6b5-mm8rt']],
      ['Pod', 'debug-shell', ['debug-shell']],
    ],
  );
  assert.equal(Math.round(groups[1]!.percent!), 80);
});

test('an OOM-killed container still in back-off sorts as if at its limit', () => {
  const pods = fixturePods(false); // no metrics at all: only the crash-looping redis has a rank
  assert.equal([...pods].sort(byPressure)[0]!.ref.name, 'redis-0');
});

test('the gauge of a pod down after an OOM kill is drawn full and critical', () => {
  const redis = byName(fixturePods(false), 'redis-0');
  assert.deepEqual(podGauge(redis, RUNBOOK_THRESHOLDS), { level: 'critical', percent: 100 });
  const api = byName(fixturePods(false), 'api-7d9f8c6b5-x2k4q'); // OOM-killed earlier, running again
  assert.deepEqual(podGauge(api, RUNBOOK_THRESHOLDS), { level: 'no-metrics', percent: undefined });
});

test('a shown percent never reaches a threshold before the level does', () => {
  const MiB = 1024 ** 2;
  const api = byName(fixturePods(), 'api-7d9f8c6b5-mm8rt').containers[0]!;
  const at = (bytes: number) => ({ ...api, workingSetBytes: bytes, limitBytes: 100 * MiB });
  // 79.6% is normal and shows as 79, not as a rounded "80%"
  const below = at(79.6 * MiB);
  assert.equal(levelOf(below, RUNBOOK_THRESHOLDS), 'normal');
  assert.equal(shownPercent(containerPercent(below)!), 79);
  assert.equal(shownPercent(containerPercent(at(99.9 * MiB))!), 99);
  // every whole percent is exactly itself: 29 MiB of 100 MiB is 29%, warning at a 29% threshold
  for (let p = 1; p <= 100; p++) {
    const c = at(p * MiB);
    assert.equal(shownPercent(containerPercent(c)!), p, `${p}%`);
    assert.notEqual(levelOf(c, { warning: p, critical: 101 }), 'normal', `${p}%`);
  }
});

test('the view filter keeps pods at or above the warning threshold and OOM-killed pods, nothing else', () => {
  const pods = fixturePods();
  const kept = pods.filter((p) => isHot(p, RUNBOOK_THRESHOLDS)).map((p) => p.ref.name);
  for (const p of pods) {
    const expected = (podPercent(p) ?? 0) >= 80 || p.containers.some((c) => c.lastTermination?.reason === 'OOMKilled');
    assert.equal(kept.includes(p.ref.name), expected, p.ref.name);
  }
  assert.ok(kept.length > 0 && kept.length < pods.length, kept.join(', '));
});
