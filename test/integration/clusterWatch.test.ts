// The watch after a long disconnect: the server no longer has our resourceVersion, answers
// 410 Gone, and the pods are listed again (once), then watched from the new version.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Cluster } from '../cluster/index.ts';
import type { PodMonitor } from '../../src/cluster/podMonitor.ts';
import { failOnUnhandledRejections, leakyDeployment, monitorOf, startTestCluster, waitFor } from './clusterScope.ts';

failOnUnhandledRejections();
let cluster: Cluster;
let monitor: PodMonitor;

before(async () => {
  // A tiny watch history and pods that churn (OOM-killed every ~2 s) make the version go stale fast.
  cluster = await startTestCluster({ watchHistory: 3, deployments: [leakyDeployment('api', { app: 'api' }, '100Mi', 90, 300, 2)] });
  monitor = monitorOf(cluster);
});

after(async () => {
  monitor?.stop();
  await cluster?.stop();
});

test('410 Gone after a disconnect leads to one re-list, and the pods stay current', async () => {
  monitor.start();
  await waitFor(monitor, 'first list', (s) => s.listed && s.pods.length === 2);
  assert.equal(monitor.requestCounts.list, 1);
  await cluster.admin.setReachable(false);
  await waitFor(monitor, 'unreachable', (s) => s.podsError?.kind === 'unreachable', 10_000);
  await new Promise((r) => setTimeout(r, 4000)); // restarts happen meanwhile, past the history
  await cluster.admin.setReachable(true);
  await waitFor(monitor, 're-listed after 410', () => monitor.requestCounts.list === 2, 20_000);
  const restarts = () => Math.max(...monitor.snapshot.pods.map((p) => p.containers[0]!.restartCount));
  const seen = restarts();
  await waitFor(monitor, 'a later restart through the new watch', (s) => !s.podsError && restarts() > seen, 20_000);
  assert.equal(monitor.requestCounts.list, 2, 'no further re-list');
});
