// Refreshes that overlap: Refresh, Check Pod Memory and Verify Recovery can all ask at once, and
// each must get the pods (one list and one metrics call between them), never an empty snapshot
// that reads as "no pods".
import assert from 'node:assert/strict';
import { after, afterEach, before, test } from 'node:test';
import type { Cluster } from '../cluster/index.ts';
import { answered, type PodMonitor } from '../../src/cluster/podMonitor.ts';
import { failOnUnhandledRejections, leakyDeployment, monitorOf, startTestCluster } from './clusterScope.ts';

failOnUnhandledRejections();
let cluster: Cluster;
const monitors: PodMonitor[] = [];

function monitor(): PodMonitor {
  const m = monitorOf(cluster);
  monitors.push(m);
  return m;
}

before(async () => {
  cluster = await startTestCluster({ deployments: [leakyDeployment('api', { app: 'api' }, '100Mi', 60, 0, 3)] });
});

afterEach(() => {
  for (const m of monitors.splice(0)) m.stop();
  cluster.admin.setDelay(0);
});

after(async () => {
  await cluster?.stop();
});

test('overlapping refreshes share one list and one metrics call, and each gets the listed pods', async () => {
  cluster.admin.setDelay(300);
  const m = monitor();
  const first = m.refresh();
  await new Promise((r) => setTimeout(r, 50));
  const [a, b] = await Promise.all([first, m.refresh()]);
  for (const s of [a, b]) {
    assert.ok(s.listed, 'listed');
    assert.equal(s.pods.length, 3);
    assert.ok(s.pods.every((p) => p.metricsAt), 'with usage');
  }
  assert.deepEqual({ list: m.requestCounts.list, metrics: m.requestCounts.metrics }, { list: 1, metrics: 1 });
});

test('a refresh of a monitor just started waits for its list instead of listing again', async () => {
  cluster.admin.setDelay(300);
  const m = monitor();
  m.start();
  const s = await m.refresh();
  assert.ok(s.listed);
  assert.equal(s.pods.length, 3);
  assert.deepEqual({ list: m.requestCounts.list, metrics: m.requestCounts.metrics }, { list: 1, metrics: 1 });
});

test('a refresh stopped before its list landed is not an answer (not "no pods")', async () => {
  cluster.admin.setDelay(1000);
  const m = monitor();
  const refreshed = m.refresh();
  setTimeout(() => m.stop(), 5);
  const s = await refreshed;
  assert.equal(answered(s), false);
  // The next refresh is a new one, not the interrupted one again.
  cluster.admin.setDelay(0);
  const again = await m.refresh();
  assert.ok(answered(again) && again.listed);
  assert.equal(again.pods.length, 3);
});

test('a refresh of a listed monitor that is stopped does not pass the earlier pods off as its answer', async () => {
  const m = monitor();
  await m.refresh();
  cluster.admin.setDelay(1000);
  const refreshed = m.refresh();
  setTimeout(() => m.stop(), 5);
  assert.equal(answered(await refreshed), false);
});
