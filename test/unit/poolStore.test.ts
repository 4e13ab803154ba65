import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PodMemory, PoolReport } from '../../src/triage/model.ts';
import { PoolPart, type PoolActions } from '../../src/views/poolPart.ts';
import { MAX_PODS, PoolStore } from '../../src/views/poolStore.ts';
import type { PoolStatus, ToWebview } from '../../src/webview/protocol.ts';

const pod = (uid: string): PodMemory => ({
  ref: { context: 'kind', namespace: 'default', name: `api-${uid}` }, uid, workload: { kind: 'Deployment', namespace: 'default', name: 'api' },
  phase: 'Running', labels: {}, containers: [{ name: 'api', image: 'orders-api', restartCount: 0, ready: true, state: { kind: 'running' } }],
});
const entry = (uid: string, kind: PoolReport['verdict']['kind'] = 'healthy') => {
  const p = pod(uid);
  const report: PoolReport = { pod: p.ref, container: 'api', checks: [], verdict: { kind, text: kind }, method: 'test' };
  return { pod: p, container: p.containers[0]!, report };
};

test('the store keeps the latest check per pod, in the order of the checks, and says when it changes', () => {
  const store = new PoolStore();
  let changes = 0;
  const sub = store.onDidChange(() => changes++);
  store.set(entry('a', 'healthy'));
  store.set(entry('b'));
  store.set(entry('a', 'leaking'));
  assert.equal(store.get('a')?.report.verdict.kind, 'leaking');
  assert.deepEqual(store.all().map((e) => e.pod.uid), ['b', 'a']);
  assert.equal(changes, 3);
  sub.dispose();
  store.set(entry('c'));
  assert.equal(changes, 3);
  assert.equal(store.get('nope'), undefined);
});

test('the store forgets the oldest pods beyond its bound', () => {
  const store = new PoolStore();
  for (let i = 0; i < MAX_PODS + 5; i++) store.set(entry(String(i)));
  assert.equal(store.all().length, MAX_PODS);
  assert.equal(store.get('0'), undefined);
  assert.equal(store.get(String(MAX_PODS + 4))?.pod.uid, String(MAX_PODS + 4));
});

test('the connections part posts each status and passes Check Again on, except while a check runs', () => {
  const posted: ToWebview[] = [];
  let asked = 0;
  const actions: PoolActions = { checkAgain: () => asked++ };
  const part = new PoolPart((m) => posted.push(m), actions);
  assert.deepEqual(part.current, { kind: 'none' });
  part.onMessage({ type: 'checkDb' });
  const checking: PoolStatus = { kind: 'checking', title: 'default / api-a / api', message: 'Waiting the window', endsAt: 1 };
  part.set(checking);
  part.onMessage({ type: 'checkDb' });
  part.set({ kind: 'error', title: 'x', message: 'no /proc access' });
  part.onMessage({ type: 'checkDb' });
  assert.equal(asked, 2);
  assert.deepEqual(posted.map((m) => m.type === 'pool' && m.status.kind), ['checking', 'error']);
  assert.equal(part.current.kind, 'error');
});
