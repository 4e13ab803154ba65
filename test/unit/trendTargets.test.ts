import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PodMemory } from '../../src/triage/model.ts';
import { targetForItem } from '../../src/views/trendTargets.ts';

const pod = (name: string, kind: PodMemory['workload']['kind'] = 'Deployment', workload = 'api'): PodMemory => ({
  ref: { context: 'prod', namespace: 'shop', name },
  uid: name,
  workload: { kind, namespace: 'shop', name: workload },
  phase: 'Running',
  labels: {},
  containers: [],
});

test('a pod item, a container item and a bare PodMemory chart that one pod', () => {
  const p = pod('api-7d9f8c5b6d-x2k4p');
  for (const item of [{ pod: p }, { pod: p, container: {} }, p]) {
    const t = targetForItem(item, 'other')!;
    assert.deepEqual(t.scope, { kind: 'pods', namespace: 'shop', names: ['api-7d9f8c5b6d-x2k4p'] });
    assert.equal(t.context, 'prod');
    assert.equal(t.title, 'shop / api-7d9f8c5b6d-x2k4p');
  }
});

test("a workload item charts every pod the controller has had; a bare pod's group stays that pod", () => {
  const pods = [pod('api-7d9f8c5b6d-x2k4p'), pod('api-7d9f8c5b6d-q8w2z')];
  const t = targetForItem({ workload: pods[0]!.workload, pods }, 'prod')!;
  assert.deepEqual(t.scope, { kind: 'workload', namespace: 'shop', workload: 'Deployment', name: 'api' });
  assert.equal(t.title, 'shop / Deployment api');
  assert.equal(t.pods.length, 2);
  const bare = pod('debug', 'Pod', 'debug');
  assert.deepEqual(targetForItem({ workload: bare.workload, pods: [bare] }, 'prod')!.scope, { kind: 'pods', namespace: 'shop', names: ['debug'] });
});

test('anything else is no target', () => {
  for (const item of [undefined, null, 'api', 42, {}, { workload: pod('a').workload, pods: [] }]) assert.equal(targetForItem(item, 'prod'), undefined);
});
