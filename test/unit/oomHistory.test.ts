import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PodMemory } from '../../src/triage/model.ts';
import { lastOomKill, OomHistory, oomKilledPods } from '../../src/triage/oomHistory.ts';
import { byName, fixturePods } from './fixtures/load.ts';

test('finds the last OOM kill a pod remembers', () => {
  const pods = fixturePods();
  const kill = lastOomKill(byName(pods, 'api-7d9f8c6b5-x2k4q'));
  assert.equal(kill?.container, 'api');
  assert.equal(kill?.at?.toISOString(), '2026-11-27T21:55:30.000Z');
  assert.equal(lastOomKill(byName(pods, 'api-7d9f8c6b5-mm8rt')), undefined);
});

test('lists OOM-killed pods newest first, optionally since a moment', () => {
  const pods = fixturePods();
  assert.deepEqual(oomKilledPods(pods).map((k) => k.pod.ref.name), ['redis-0', 'api-7d9f8c6b5-x2k4q']);
  assert.deepEqual(oomKilledPods(pods, new Date('2026-11-27T21:57:00Z')).map((k) => k.pod.ref.name), ['redis-0']);
});

function withKillAt(pod: PodMemory, iso: string): PodMemory {
  const [first, ...rest] = pod.containers;
  return { ...pod, containers: [{ ...first!, lastTermination: { reason: 'OOMKilled', exitCode: 137, finishedAt: new Date(iso) } }, ...rest] };
}

test('history counts each distinct kill seen, not each observation', () => {
  const history = new OomHistory();
  const pod = byName(fixturePods(), 'api-7d9f8c6b5-x2k4q');
  history.observe(pod);
  history.observe(pod);
  assert.equal(history.count(pod), 1);
  history.observe(withKillAt(pod, '2026-11-27T22:10:00Z'));
  assert.equal(history.count(pod), 2);
  assert.equal(history.count(byName(fixturePods(), 'api-7d9f8c6b5-mm8rt')), 0);
  history.forget(pod.uid);
  assert.equal(history.count(pod), 0);
});
