// The same story as podTreeLeak, with a real process: the runbook's Python API (python3 with
// SQLAlchemy, leaking per request) runs as the pod, the emulator reads its real working set and
// OOM-kills it at its limit; the model follows through metrics and the watch.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Cluster } from '../cluster/index.ts';
import type { PodMonitor } from '../../src/cluster/podMonitor.ts';
import { lastOomKill } from '../../src/triage/oomHistory.ts';
import { containerPercent } from '../../src/triage/pressure.ts';
import { failOnUnhandledRejections, memoryLog, monitorOf, startTestCluster, waitFor } from './clusterScope.ts';

failOnUnhandledRejections();
let cluster: Cluster;
let monitor: PodMonitor;

before(async () => {
  cluster = await startTestCluster({
    runtimePollMs: 250,
    deployments: [{
      name: 'api', labels: { app: 'api' }, replicas: 1,
      container: {
        name: 'api', image: 'orders-api:1.8.3', workload: 'python-api', ports: [8080],
        env: { REQUESTS_PER_SECOND: '20', LEAK_KB_PER_REQUEST: '600', LEAK_CONNECTIONS_EVERY: '0' },
        requests: { memory: '64Mi' }, limits: { memory: '128Mi' },
      },
    }],
  });
  monitor = monitorOf(cluster, {}, memoryLog(), 500);
});

after(async () => {
  monitor?.stop();
  await cluster?.stop();
});

test('a real leaking Python pod climbs past 80% and is OOMKilled', async (t) => {
  if (!cluster.runtime) return t.skip('no process runtime (test/cluster/runtime)');
  monitor.start();
  const percents: number[] = [];
  await waitFor(monitor, 'above 80%', (s) => {
    const c = s.pods[0]?.containers[0];
    const pct = c && !c.lastTermination ? containerPercent(c) : undefined;
    if (pct !== undefined) percents.push(pct);
    return pct !== undefined && pct >= 80;
  }, 90_000);
  assert.ok(percents.length >= 2 && percents.at(-1)! > percents[0]!, `usage grew: ${percents.map(Math.round).join(' → ')}`);
  const s = await waitFor(monitor, 'the OOM kill', (s) => s.pods.some((p) => lastOomKill(p)), 90_000);
  const api = s.pods[0]!.containers[0]!;
  assert.equal(api.lastTermination?.reason, 'OOMKilled');
  assert.equal(api.lastTermination?.exitCode, 137);
  assert.equal(monitor.requestCounts.list, 1, 'the kill came through the watch');
});
