// A container that is OOM-killed again and again, as kubectl 1.33 sees it: the kubelet's
// restartCount (the dead container's count while it waits, +1 when the next one is created),
// its back-off (the first crash restarts at once, then base, 2×base, capped), its events (BackOff,
// Pulled/Created/Started; no per-pod OOM event), lastState without `signal`, and logs.
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster, type Cluster, type ClusterConfig } from '../cluster/index.ts';
import { eventually, Kubectl, noKubectl } from './kubectl.ts';

const hasRuntime = existsSync(new URL('../cluster/runtime/index.ts', import.meta.url));

const config: Partial<ClusterConfig> = {
  backoff: { baseMs: 1500, maxMs: 3000 },
  readyDelayMs: 100,
  runtimePollMs: 200,
  prometheus: { enabled: false, backfillMinutes: 0 },
  pods: [
    // From 60 MiB at 240 MiB/min into a 64Mi limit: OOM-killed one second after each start.
    { name: 'crasher', labels: { app: 'crasher' }, container: { name: 'crash', image: 'crash:1', limits: { memory: '64Mi' }, memory: { startMiB: 60, leakMiBPerMinute: 240 } } },
    // A real process that prints a line at start; the test kills it.
    ...(hasRuntime ? [{ name: 'crasher-real', labels: { app: 'crasher' }, container: { name: 'crash', image: 'idle:1', workload: 'idle', limits: { memory: '128Mi' } } }] : []),
  ],
};

let cluster: Cluster;
let k: Kubectl;
const kubectl = (...args: string[]) => k.run(...args);
const ok = (...args: string[]) => k.ok(...args);

const statusOf = async (pod: string) => JSON.parse(await ok('get', 'pod', pod, '-o', 'json')).status.containerStatuses[0];
const waiting = (cs: any) => cs?.state?.waiting?.reason === 'CrashLoopBackOff';

describe('emulator kubelet through a crash loop, with kubectl 1.33', { skip: noKubectl }, () => {
  before(async () => {
    cluster = await startCluster({ config, prometheus: false });
    k = await Kubectl.for(cluster.kubeconfigPath);
  });
  after(async () => {
    await cluster?.stop();
    await k?.dispose();
  });

  it('restarts the first crash at once, then backs off base, 2×base, capped; restartCount counts created containers', async () => {
    await eventually('a third restart', async () => ((await statusOf('crasher')).restartCount >= 3 ? true : undefined));
    // The whole story from the watch history, every status the pod went through.
    const path = '/api/v1/namespaces/default/pods?watch=1&resourceVersion=1&fieldSelector=metadata.name%3Dcrasher&timeoutSeconds=1';
    const lines = (await ok('get', '--raw', path)).split('\n').filter(Boolean).map((l) => JSON.parse(l));
    const uid = lines[0].object.metadata.uid;
    const statuses = lines.map((e) => e.object.status?.containerStatuses?.[0]).filter((cs) => cs?.containerID);
    const firstKill = statuses.findIndex((cs) => cs.lastState.terminated);
    assert.ok(firstKill > 0, 'a kill was seen');
    assert.ok(!statuses.slice(0, firstKill + 1).some(waiting), 'no back-off before the first restart');
    assert.deepEqual([statuses[firstKill].restartCount, Object.keys(statuses[firstKill].state)], [1, ['running']], 'the first crash restarts at once');

    const ids: string[] = [];
    let lastRunning: any;
    const backoffs: string[] = [];
    for (const cs of statuses) {
      if (!ids.includes(cs.containerID)) ids.push(cs.containerID);
      assert.equal(cs.restartCount, ids.length - 1, 'restartCount is the number of containers created before this one');
      if (cs.lastState.terminated) {
        assert.deepEqual([cs.lastState.terminated.reason, cs.lastState.terminated.exitCode], ['OOMKilled', 137]);
        assert.equal('signal' in cs.lastState.terminated, false, 'the CRI kubelet sets no signal');
      }
      if (waiting(cs)) {
        assert.equal(cs.restartCount, lastRunning.restartCount, 'while waiting, the dead container\'s count');
        assert.equal(cs.containerID, cs.lastState.terminated.containerID, 'and its containerID');
        if (backoffs.at(-1) !== cs.state.waiting.message) backoffs.push(cs.state.waiting.message);
      } else if (cs.state.running) lastRunning = cs;
    }
    assert.deepEqual(backoffs.slice(0, 2), [
      `back-off 1.5s restarting failed container=crash pod=crasher_default(${uid})`,
      `back-off 3s restarting failed container=crash pod=crasher_default(${uid})`,
    ]);
  });

  it('kubectl shows CrashLoopBackOff with the dead container\'s restarts, and kube-state-metrics agrees', async () => {
    const [cs, metric] = await eventually('a stable back-off to read twice', async () => {
      const before = await statusOf('crasher');
      if (!waiting(before)) return undefined;
      const text = await (await fetch(cluster.metricsUrl)).text();
      const value = text.match(/^kube_pod_container_status_restarts_total\{[^}]*pod="crasher"[^}]*\} (\d+)$/m)?.[1];
      const after = await statusOf('crasher');
      return waiting(after) && after.containerID === before.containerID ? [before, Number(value)] as const : undefined;
    });
    assert.equal(metric, cs.restartCount);
    const row = await ok('get', 'pod', 'crasher', '--no-headers');
    assert.match(row, new RegExp(`^crasher\\s+0/1\\s+CrashLoopBackOff\\s+${cs.restartCount} \\(\\d+s ago\\)\\s`));
  });

  it('records BackOff and the restarts\' Pulled/Created/Started, and no pod event for the OOM kill', async () => {
    const events = JSON.parse(await ok('get', 'events', '--field-selector', 'involvedObject.name=crasher', '-o', 'json')).items;
    const byReason = Object.fromEntries(events.map((e: any) => [e.reason, e]));
    assert.deepEqual(Object.keys(byReason).sort(), ['BackOff', 'Created', 'Pulled', 'Scheduled', 'Started']);
    const pod = JSON.parse(await ok('get', 'pod', 'crasher', '-o', 'json'));
    assert.deepEqual([byReason.BackOff.type, byReason.BackOff.message, byReason.BackOff.involvedObject.fieldPath],
      ['Warning', `Back-off restarting failed container crash in pod crasher_default(${pod.metadata.uid})`, 'spec.containers{crash}']);
    assert.ok(byReason.Started.count >= 3, `started ${byReason.Started.count} times`);
    const describe = await ok('describe', 'pod', 'crasher');
    assert.match(describe, /^\s+Warning\s+BackOff\s+\S+ \(x\d+ over \S+\)\s+kubelet\s+Back-off restarting failed container crash in pod crasher_default/m);
    assert.doesNotMatch(describe, /OOMKilling/);
  });

  it('kubectl logs --previous answers for a container with a termination, even one that wrote nothing', async () => {
    assert.equal(await ok('logs', 'crasher', '--previous'), '');
    await eventually('crasher in back-off', async () => (waiting(await statusOf('crasher')) ? true : undefined));
    assert.equal(await ok('logs', 'crasher'), '', 'in back-off: the last terminated container\'s (empty) log');
  });

  it('serves the dead container\'s log during CrashLoopBackOff, and the same with --previous', { skip: !hasRuntime && 'process runtime not present' }, async () => {
    const line = /^idle listening on :\d+ \(pid \d+\)$/m;
    // Killed three times: the first restarts at once, the second waits 1.5 s, the third 3 s, long
    // enough to read both logs in one back-off.
    for (let kills = 1; kills <= 3; kills++) {
      await eventually('the workload running and printing', async () =>
        ((await statusOf('crasher-real')).state.running && line.test((await kubectl('logs', 'crasher-real')).stdout) ? true : undefined));
      // From the node: inside its PID namespace, PID 1 cannot be killed by SIGKILL (nor from kubectl exec).
      assert.equal(cluster.runtime!.signal('default/crasher-real', 'crash', 'SIGKILL'), true);
      if (kills < 3) await eventually(`restart ${kills}`, async () => ((await statusOf('crasher-real')).restartCount === kills ? true : undefined));
    }
    const [current, previous] = await eventually('both logs read within one back-off', async () => {
      const before = await statusOf('crasher-real');
      if (!waiting(before)) return undefined;
      const logs = [await ok('logs', 'crasher-real'), await ok('logs', 'crasher-real', '--previous')];
      const after = await statusOf('crasher-real');
      return waiting(after) && after.containerID === before.containerID ? logs : undefined;
    }, 10_000);
    assert.match(current, line);
    assert.equal(previous, current);
  });
});
