import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PodMemory } from '../../src/triage/model.ts';
import { currentPods, targetForItem, targetForWorkload } from '../../src/views/trendTargets.ts';

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

// The panel asks at each load: the pod as the tree lists it now, else as it was when clicked.
const withLimit = (p: PodMemory, limitBytes: number): PodMemory => ({ ...p, containers: [{ name: 'api', image: 'api:1', restartCount: 0, ready: true, state: { kind: 'running' }, limitBytes }] });

test("the tree's current pods replace the ones the panel was opened with, matched by context, namespace and name", () => {
  const clicked = withLimit(pod('api-0', 'StatefulSet'), 100);
  const target = targetForItem({ pod: clicked }, 'prod')!;
  const now = withLimit(clicked, 200);
  const elsewhere = [{ ...now, ref: { ...now.ref, context: 'staging' } }, { ...now, ref: { ...now.ref, namespace: 'other' } }, withLimit(pod('api-1', 'StatefulSet'), 300)];
  assert.deepEqual(currentPods(target, [...elsewhere, now]), [now]);
  // not listed (tree hidden, another namespace, after a reload): what the target had
  assert.equal(currentPods(target, elsewhere), target.pods);
  assert.deepEqual(currentPods({ ...target, pods: [] }, []), []);
});

test("a workload's pods are the tree's pods of that workload, plus replaced ones the tree no longer lists", () => {
  const [gone, kept] = [withLimit(pod('api-a-1'), 100), withLimit(pod('api-a-2'), 100)];
  const target = targetForWorkload(gone.workload, [gone, kept], 'prod');
  const [keptNow, fresh] = [withLimit(kept, 200), withLimit(pod('api-b-1'), 200)];
  const otherWorkload = withLimit(pod('web-a-1', 'Deployment', 'web'), 1);
  const sameNameOtherKind = withLimit(pod('api-x', 'StatefulSet', 'api'), 1);
  assert.deepEqual(currentPods(target, [otherWorkload, keptNow, fresh, sameNameOtherKind]), [keptNow, fresh, gone]);
});
