// 2,000 pods in scope: a refresh is a bounded number of requests (pages of 500 + one metrics
// call), and the watch keeps it that way afterwards. Time is measured in bench/, not here.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Cluster } from '../cluster/index.ts';
import type { PodMonitor } from '../../src/cluster/podMonitor.ts';
import { podDescription } from '../../src/triage/describe.ts';
import { groupByWorkload } from '../../src/triage/pressure.ts';
import { failOnUnhandledRejections, monitorOf, startTestCluster, waitFor } from './clusterScope.ts';

failOnUnhandledRejections();
const PODS = 2000;
let cluster: Cluster;
let monitor: PodMonitor;

before(async () => {
  cluster = await startTestCluster({
    synthetic: [{ namePrefix: 'api', count: PODS, namespace: 'default', labels: { app: 'api' }, container: { name: 'api', image: 'python-api:1.4', limits: { memory: '512Mi' } }, memory: { startMiB: 200, jitterMiB: 80 } }],
  });
  monitor = monitorOf(cluster, {}, undefined, 60_000);
});

after(async () => {
  monitor?.stop();
  await cluster?.stop();
});

test('2,000 pods: 4 list pages and 1 metrics call per refresh, then nothing but the watch', async () => {
  monitor.start();
  const s = await waitFor(monitor, 'all pods with metrics', (s) => s.listed && s.pods.length === PODS && s.pods.filter((p) => p.metricsAt).length === PODS, 60_000);
  assert.deepEqual(monitor.requestCounts, { list: 4, watch: 1, metrics: 1 });
  // every line of the tree can be drawn from the snapshot
  assert.equal(groupByWorkload(s.pods).length, PODS); // bare pods: one entry each
  assert.ok(s.pods.every((p) => /MiB \/ 512 MiB · \d+%/.test(podDescription(p, new Date()))));

  const before = monitor.requestCounts;
  await monitor.refresh();
  const after = monitor.requestCounts;
  assert.equal(after.list - before.list, 4, 'a refresh lists in pages of 500');
  assert.equal(after.metrics - before.metrics, 1, 'one metrics call for all pods');
});
