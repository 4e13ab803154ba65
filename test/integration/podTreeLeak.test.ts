// Step 1 against the local cluster: a leaking pod crosses the runbook's 80% and is then
// OOM-killed, and the model shows both through the watch (one list, no re-list per change).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Cluster } from '../cluster/index.ts';
import type { PodMonitor } from '../../src/cluster/podMonitor.ts';
import { podDescription } from '../../src/triage/describe.ts';
import { lastOomKill } from '../../src/triage/oomHistory.ts';
import { groupByWorkload, podPercent, RUNBOOK_THRESHOLDS } from '../../src/triage/pressure.ts';
import { verifyRecovery } from '../../src/triage/verification.ts';
import { failOnUnhandledRejections, leakyDeployment, memoryLog, monitorOf, startTestCluster, waitFor } from './clusterScope.ts';

failOnUnhandledRejections();
let cluster: Cluster;
let monitor: PodMonitor;
const log = memoryLog();

before(async () => {
  cluster = await startTestCluster({
    deployments: [
      // 70 MiB of 100 MiB, +150 MiB/min: above 80% after ~4 s, killed after ~12 s
      leakyDeployment('api', { app: 'api' }, '100Mi', 70, 150),
      leakyDeployment('api-worker', { app: 'api' }, '256Mi', 40, 0),
      leakyDeployment('billing', { app: 'billing' }, '256Mi', 40, 0),
    ],
  });
  monitor = monitorOf(cluster, {}, log);
});

after(async () => {
  monitor?.stop();
  await cluster?.stop();
});

test('the leaking pod crosses 80%, then shows OOMKilled with exit 137, by watch', async () => {
  const started = new Date();
  monitor.start();
  const listed = await waitFor(monitor, 'the first list with metrics', (s) => s.listed && s.pods.length === 2 && s.pods.every((p) => p.metricsAt));
  assert.deepEqual(listed.pods.map((p) => p.workload.name).sort(), ['api', 'api-worker'], 'the label selector keeps billing out');

  const hot = await waitFor(monitor, 'api above 80%', (s) => s.pods.some((p) => p.workload.name === 'api' && (podPercent(p) ?? 0) >= 80 && !lastOomKill(p)));
  const leaking = hot.pods.find((p) => p.workload.name === 'api')!;
  assert.match(podDescription(leaking, new Date()), /^\d+ MiB \/ 100 MiB · (8\d|9\d)%$/);
  assert.equal(verifyRecovery(hot.pods, started, RUNBOOK_THRESHOLDS).pass, false);

  const killed = await waitFor(monitor, 'api OOMKilled', (s) => s.pods.some((p) => p.uid === leaking.uid && lastOomKill(p)));
  const pod = killed.pods.find((p) => p.uid === leaking.uid)!;
  const api = pod.containers[0]!;
  assert.equal(api.lastTermination?.reason, 'OOMKilled');
  assert.equal(api.lastTermination?.exitCode, 137);
  assert.ok(api.restartCount >= 1);
  assert.ok(lastOomKill(pod)!.at!.getTime() >= started.getTime());
  assert.match(podDescription(pod, new Date()), /OOMKilled \d+s ago · ↻1/);
  assert.equal(killed.oomCounts.get(pod.uid), 1);

  // The healthy sibling stays healthy and the leaky workload sorts first.
  const groups = groupByWorkload(killed.pods);
  assert.equal(groups[0]!.workload.name, 'api');
  const verdict = verifyRecovery(killed.pods, started, RUNBOOK_THRESHOLDS);
  assert.deepEqual(verdict.failures.map((f) => f.pod.workload.name), ['api']);

  // Everything after the first list came through the watch.
  const counts = monitor.requestCounts;
  assert.equal(counts.list, 1, 'one list page, no re-list per change');
  assert.equal(counts.watch, 1, 'one watch stream');
  assert.ok(counts.metrics >= 3, 'metrics polled on the interval');
});

test('stopping stops the watch and the polling; starting lists again', async () => {
  monitor.stop();
  const before = monitor.requestCounts;
  await new Promise((r) => setTimeout(r, 1200));
  assert.deepEqual(monitor.requestCounts, before, 'no request while stopped (view hidden)');
  monitor.start();
  await waitFor(monitor, 'a new list', (s) => s.listed && monitor.requestCounts.list === before.list + 1);
  assert.equal(monitor.snapshot.pods.length, 2);
});
