// kubectl rollout status' judgement, case by case, with kubectl's own messages.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rolloutStatus } from '../../src/cluster/rolloutStatus.ts';

const deployment = (status: object, spec: object = {}, generation = 2) => ({ metadata: { name: 'api', generation }, spec: { replicas: 2, ...spec }, status: { observedGeneration: 2, ...status } });

test('a Deployment: generation not observed, updated, old pending, available, done', () => {
  assert.deepEqual(rolloutStatus('Deployment', deployment({ observedGeneration: 1 })), { message: 'Waiting for deployment spec update to be observed...', done: false });
  assert.equal(rolloutStatus('Deployment', deployment({ replicas: 3, updatedReplicas: 1 })).message, 'Waiting for deployment "api" rollout to finish: 1 out of 2 new replicas have been updated...');
  assert.equal(rolloutStatus('Deployment', deployment({ replicas: 3, updatedReplicas: 2 })).message, 'Waiting for deployment "api" rollout to finish: 1 old replicas are pending termination...');
  assert.equal(rolloutStatus('Deployment', deployment({ replicas: 2, updatedReplicas: 2, availableReplicas: 1 })).message, 'Waiting for deployment "api" rollout to finish: 1 of 2 updated replicas are available...');
  assert.deepEqual(rolloutStatus('Deployment', deployment({ replicas: 2, updatedReplicas: 2, availableReplicas: 2 })), { message: 'deployment "api" successfully rolled out', done: true });
});

test('a Deployment past its progress deadline fails, even with replicas still updating', () => {
  const s = rolloutStatus('Deployment', deployment({ replicas: 3, updatedReplicas: 1, conditions: [{ type: 'Available', status: 'True' }, { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }] }));
  assert.deepEqual(s, { message: 'deployment "api" exceeded its progress deadline', done: false, failed: true });
  // The deadline is only read once the generation is observed, as kubectl does.
  assert.equal(rolloutStatus('Deployment', deployment({ observedGeneration: 1, conditions: [{ type: 'Progressing', reason: 'ProgressDeadlineExceeded' }] })).failed, undefined);
});

test('a StatefulSet: observed, ready, partition, revisions', () => {
  const sts = (status: object, strategy: object = { type: 'RollingUpdate' }) => ({ metadata: { name: 'db', generation: 3 }, spec: { replicas: 3, updateStrategy: strategy }, status: { observedGeneration: 3, ...status } });
  assert.equal(rolloutStatus('StatefulSet', sts({ observedGeneration: 0 })).message, 'Waiting for statefulset spec update to be observed...');
  assert.equal(rolloutStatus('StatefulSet', sts({ readyReplicas: 1 })).message, 'Waiting for 2 pods to be ready...');
  assert.deepEqual(rolloutStatus('StatefulSet', sts({ readyReplicas: 3, updatedReplicas: 1, updateRevision: 'db-2', currentRevision: 'db-1' })), { message: 'waiting for statefulset rolling update to complete 1 pods at revision db-2...', done: false });
  assert.deepEqual(rolloutStatus('StatefulSet', sts({ readyReplicas: 3, currentReplicas: 3, updateRevision: 'db-2', currentRevision: 'db-2' })), { message: 'statefulset rolling update complete 3 pods at revision db-2...', done: true });
  const partitioned = { type: 'RollingUpdate', rollingUpdate: { partition: 1 } };
  assert.equal(rolloutStatus('StatefulSet', sts({ readyReplicas: 3, updatedReplicas: 1 }, partitioned)).message, 'Waiting for partitioned roll out to finish: 1 out of 2 new pods have been updated...');
  assert.equal(rolloutStatus('StatefulSet', sts({ readyReplicas: 3, updatedReplicas: 2 }, partitioned)).done, true);
  assert.equal(rolloutStatus('StatefulSet', sts({}, { type: 'OnDelete' })).failed, true);
});

test('a DaemonSet: updated, available, done; OnDelete cannot be followed', () => {
  const ds = (status: object, type = 'RollingUpdate') => ({ metadata: { name: 'agent', generation: 1 }, spec: { updateStrategy: { type } }, status: { observedGeneration: 1, desiredNumberScheduled: 3, ...status } });
  assert.equal(rolloutStatus('DaemonSet', ds({ updatedNumberScheduled: 1 })).message, 'Waiting for daemon set "agent" rollout to finish: 1 out of 3 new pods have been updated...');
  assert.equal(rolloutStatus('DaemonSet', ds({ updatedNumberScheduled: 3, numberAvailable: 2 })).message, 'Waiting for daemon set "agent" rollout to finish: 2 of 3 updated pods are available...');
  assert.equal(rolloutStatus('DaemonSet', ds({ updatedNumberScheduled: 3, numberAvailable: 3 })).done, true);
  assert.equal(rolloutStatus('DaemonSet', ds({}, 'OnDelete')).failed, true);
});

test('garbage from the cluster reads as zeros, never a throw', () => {
  assert.equal(rolloutStatus('Deployment', { metadata: { name: 'x' }, spec: { replicas: 'two' }, status: 'odd' } as never).done, true);
  assert.equal(rolloutStatus('StatefulSet', {}).done, false);
});
