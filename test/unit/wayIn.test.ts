import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEBUG_CONTAINER_PREFIX, reusableDebugContainer } from '../../src/cluster/debugContainer.ts';
import { whyGone } from '../../src/heap/wayIn.ts';

const running = { running: { startedAt: '2026-12-02T10:00:00Z' } };
const oom = { reason: 'OOMKilled', exitCode: 137 };

test('whyGone: nothing while the target and our debug container run, else what happened to which', () => {
  const pod = (app: object, debug?: object) => ({ status: { containerStatuses: [{ name: 'api', restartCount: 2, state: running, ...app }], ephemeralContainerStatuses: debug ? [{ name: 'kmt-debug-x', ...debug }] : [] } });
  assert.equal(whyGone(pod({}), 'api', 2), undefined);
  assert.equal(whyGone(pod({}, { state: running }), 'api', 2, 'kmt-debug-x'), undefined);
  assert.equal(whyGone(pod({ restartCount: 3, lastState: { terminated: oom } }), 'api', 2), 'the container api restarted (OOMKilled, exit 137)');
  assert.equal(whyGone(pod({ state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: oom } }), 'api', 2), 'the container api is not running (OOMKilled, exit 137)');
  assert.equal(whyGone(pod({ state: { terminated: { reason: 'Error', exitCode: 1 } } }), 'api', 2), 'the container api is not running (Error, exit 1)');
  assert.equal(whyGone(pod({}, { state: { terminated: { reason: 'Completed', exitCode: 0 } } }), 'api', 2, 'kmt-debug-x'), 'the debug container kmt-debug-x ended (Completed, exit 0)');
  assert.equal(whyGone(pod({}), 'api', 2, 'kmt-debug-x'), 'the debug container kmt-debug-x ended', 'no status for it at all');
  assert.equal(whyGone(pod({}), 'web', 2), 'the container web has no status');
  assert.equal(whyGone({}, 'api', undefined), 'the container api has no status');
  // A first restart counted from a pod that had none when the capture began.
  assert.equal(whyGone(pod({ restartCount: 1 }), 'api', undefined), 'the container api restarted');
});

test('reusableDebugContainer: ours, for this target and image, and running', () => {
  const ours = `${DEBUG_CONTAINER_PREFIX}ab12c`;
  const pod = {
    spec: { ephemeralContainers: [
      { name: 'debugger-x1', image: 'debug:1', targetContainerName: 'api' },
      { name: `${DEBUG_CONTAINER_PREFIX}old`, image: 'debug:1', targetContainerName: 'api' },
      { name: `${DEBUG_CONTAINER_PREFIX}web`, image: 'debug:1', targetContainerName: 'web' },
      { name: `${DEBUG_CONTAINER_PREFIX}img`, image: 'debug:2', targetContainerName: 'api' },
      { name: ours, image: 'debug:1', targetContainerName: 'api' },
    ] },
    status: { ephemeralContainerStatuses: [
      { name: 'debugger-x1', state: running },
      { name: `${DEBUG_CONTAINER_PREFIX}old`, state: { terminated: { reason: 'Completed', exitCode: 0 } } },
      { name: `${DEBUG_CONTAINER_PREFIX}web`, state: running },
      { name: `${DEBUG_CONTAINER_PREFIX}img`, state: running },
      { name: ours, state: running },
    ] },
  };
  assert.equal(reusableDebugContainer(pod, 'api', 'debug:1'), ours);
  assert.equal(reusableDebugContainer(pod, 'api', 'debug:2'), `${DEBUG_CONTAINER_PREFIX}img`);
  assert.equal(reusableDebugContainer(pod, 'api', 'debug:3'), undefined);
  assert.equal(reusableDebugContainer({ spec: pod.spec }, 'api', 'debug:1'), undefined, 'not running yet (no status)');
  assert.equal(reusableDebugContainer({}, 'api', 'debug:1'), undefined);
});
