// Verify Recovery against the emulator: a real OOM kill seen by the tree fails the verdict, and
// keeps failing it once the killed pod is deleted and replaced (its status, and the kill in it, gone).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { rawRequest } from '../cluster/client.ts';
import type { Cluster } from '../cluster/index.ts';
import { PodMonitor } from '../../src/cluster/podMonitor.ts';
import { openSession } from '../../src/cluster/session.ts';
import { lastOomKill, OomHistory } from '../../src/triage/oomHistory.ts';
import { RUNBOOK_THRESHOLDS } from '../../src/triage/pressure.ts';
import { verifyRecovery } from '../../src/triage/verification.ts';
import { failOnUnhandledRejections, leakyDeployment, memoryLog, startTestCluster, waitFor } from './clusterScope.ts';

failOnUnhandledRejections();
let cluster: Cluster;
let monitor: PodMonitor;
const history = new OomHistory();
const since = new Date();

before(async () => {
  cluster = await startTestCluster({ deployments: [leakyDeployment('api', { app: 'api' }, '100Mi', 95, 600)] });
  const session = openSession({ context: '', namespace: '', labelSelector: 'app=api' }, cluster.kubeconfigPath);
  monitor = new PodMonitor(session, { metricsIntervalMs: 400, log: memoryLog(), debounceMs: 50, history });
});

after(async () => {
  monitor?.stop();
  await cluster?.stop();
});

test('a kill seen since the moment fails, named in local time; it still fails once the pod is replaced', async () => {
  monitor.start();
  const killedAt = await waitFor(monitor, 'the OOM kill', (s) => s.pods.some((p) => lastOomKill(p)));
  const killed = killedAt.pods.find((p) => lastOomKill(p))!;
  const verdict = verifyRecovery(killedAt.pods, since, RUNBOOK_THRESHOLDS, { seenKills: history.seenKills() });
  assert.equal(verdict.pass, false);
  const reasons = verdict.failures.flatMap((f) => f.reasons);
  assert.ok(reasons.some((r) => /^api OOMKilled at \d\d:\d\d UTC/.test(r)), reasons.join('; '));
  assert.ok(!verdict.summary.includes('Z)'), verdict.summary);

  const res = await rawRequest(cluster, `/api/v1/namespaces/default/pods/${killed.ref.name}?gracePeriodSeconds=0`, { method: 'DELETE' });
  assert.ok(res.status < 300, `delete: ${res.status}`);
  const replaced = await waitFor(monitor, 'the replacement', (s) => s.pods.length > 0 && !s.pods.some((p) => p.ref.name === killed.ref.name));
  // The pods' status alone no longer shows the killed pod (the old verdict had nothing else) ...
  assert.deepEqual(verifyRecovery(replaced.pods, since, RUNBOOK_THRESHOLDS).replaced, []);
  // ... the kill the tree saw names it, and the verdict fails.
  const after = verifyRecovery(replaced.pods, since, RUNBOOK_THRESHOLDS, { seenKills: history.seenKills() });
  assert.equal(after.pass, false);
  assert.ok(after.replaced.some((line) => line.startsWith(`default/${killed.ref.name} (api, replaced since): api OOMKilled at `)), after.replaced.join('; '));
});
