import assert from 'node:assert/strict';
import { test } from 'node:test';
import { workloadOf } from '../../src/triage/podMemory.ts';
import { byName, fixturePods, podList } from './fixtures/load.ts';

test('joins spec, status and metrics per container', () => {
  const api = byName(fixturePods(), 'api-7d9f8c6b5-x2k4q');
  assert.deepEqual(api.ref, { context: 'kind-dev', namespace: 'default', name: 'api-7d9f8c6b5-x2k4q' });
  assert.equal(api.node, 'node-a');
  assert.equal(api.qosClass, 'Burstable');
  const [main, sidecar] = api.containers;
  assert.equal(main!.workingSetBytes, 421888 * 1024);
  assert.equal(main!.limitBytes, 512 * 1024 ** 2);
  assert.equal(main!.requestBytes, 256 * 1024 ** 2);
  assert.equal(main!.restartCount, 3);
  assert.equal(main!.lastTermination?.reason, 'OOMKilled');
  assert.equal(main!.lastTermination?.exitCode, 137);
  assert.equal(main!.lastTermination?.finishedAt?.toISOString(), '2026-11-27T21:55:30.000Z');
  assert.equal(sidecar!.limitBytes, undefined);
  assert.equal(sidecar!.workingSetBytes, 20 * 1024 ** 2);
  assert.equal(api.metricsAt?.toISOString(), '2026-11-27T21:59:50.000Z');
});

test('a pod without metrics has no usage and no metricsAt', () => {
  const api = byName(fixturePods(false), 'api-7d9f8c6b5-x2k4q');
  assert.equal(api.metricsAt, undefined);
  assert.ok(api.containers.every((c) => c.workingSetBytes === undefined));
});

test('waiting reasons and pending pods are kept', () => {
  const pods = fixturePods();
  assert.deepEqual(byName(pods, 'redis-0').containers[0]!.state, { kind: 'waiting', reason: 'CrashLoopBackOff' });
  const pending = byName(pods, 'debug-shell');
  assert.equal(pending.phase, 'Pending');
  assert.equal(pending.containers[0]!.state.kind, 'waiting');
});

test('owner references lead to the workload', () => {
  const [api, , redis, bare] = podList();
  assert.deepEqual(workloadOf(api!), { kind: 'Deployment', namespace: 'default', name: 'api' });
  assert.deepEqual(workloadOf(redis!), { kind: 'StatefulSet', namespace: 'default', name: 'redis' });
  assert.deepEqual(workloadOf(bare!), { kind: 'Pod', namespace: 'default', name: 'debug-shell' });
  // A ReplicaSet without the deployment's hash suffix is its own workload.
  const orphan = structuredClone(api!);
  orphan.metadata!.labels = { app: 'api' };
  assert.deepEqual(workloadOf(orphan), { kind: 'ReplicaSet', namespace: 'default', name: 'api-7d9f8c6b5' });
});
