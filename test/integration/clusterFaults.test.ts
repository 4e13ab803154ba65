// Faults the on-call engineer meets: each becomes a classified ClusterError with words a person
// can act on, nothing hangs, and the monitor recovers by itself once the fault is gone.
import assert from 'node:assert/strict';
import { after, afterEach, before, test } from 'node:test';
import type { Cluster } from '../cluster/index.ts';
import { ClusterError } from '../../src/cluster/clusterError.ts';
import type { PodMonitor } from '../../src/cluster/podMonitor.ts';
import { openSession } from '../../src/cluster/session.ts';
import { podDescription } from '../../src/triage/describe.ts';
import { clockTime, measuredPods, staleNote } from '../../src/triage/metricsAge.ts';
import { verifyRecovery } from '../../src/triage/verification.ts';
import { failOnUnhandledRejections, leakyDeployment, memoryLog, monitorOf, startTestCluster, waitFor } from './clusterScope.ts';

failOnUnhandledRejections();
let cluster: Cluster;
const monitors: PodMonitor[] = [];

function watch(scope = {}, log = memoryLog()): PodMonitor {
  const m = monitorOf(cluster, scope, log);
  monitors.push(m);
  m.start();
  return m;
}

before(async () => {
  cluster = await startTestCluster({ deployments: [leakyDeployment('api', { app: 'api' }, '256Mi', 100, 0, 2)] });
});

afterEach(async () => {
  for (const m of monitors.splice(0)) m.stop();
  cluster.admin.allow();
  cluster.admin.setMetricsAvailable(true);
  cluster.admin.renewToken();
  cluster.admin.setDelay(0);
  await cluster.admin.setReachable(true);
});

after(async () => {
  await cluster?.stop();
});

test('no kubeconfig is said plainly, not a silent localhost:8080', () => {
  assert.throws(
    () => openSession({ context: '', namespace: '', labelSelector: '' }, '/nonexistent/kubeconfig'),
    (e: unknown) => e instanceof ClusterError && e.kind === 'no-kubeconfig' && /\/nonexistent\/kubeconfig/.test(e.message),
  );
});

test('403 on listing pods names the verb, resource and namespace', async () => {
  cluster.admin.deny({ verb: 'list', resource: 'pods', namespace: 'default' });
  const log = memoryLog();
  const m = watch({}, log);
  const s = await waitFor(m, 'a pods error', (s) => s.podsError !== undefined);
  assert.equal(s.podsError!.kind, 'forbidden');
  assert.equal(s.podsError!.message, 'Forbidden (403): you may not list pods in namespace "default".');
  assert.match(s.podsError!.hint, /"list" "pods" in default/);
  assert.ok(log.lines.some((l) => l.startsWith('warn') && l.includes('403')), 'the detail is in the log');
  // and it recovers by itself once allowed
  cluster.admin.allow();
  await waitFor(m, 'recovery', (s) => s.listed && !s.podsError && s.pods.length === 2);
});

test('403 on watching pods names "watch"; the retries back off instead of looping', async () => {
  cluster.admin.deny({ verb: 'watch', resource: 'pods', namespace: 'default' });
  const m = watch();
  const s = await waitFor(m, 'a watch error', (s) => s.podsError !== undefined);
  assert.equal(s.podsError!.message, 'Forbidden (403): you may not watch pods in namespace "default".');
  assert.equal(s.pods.length, 2, 'the listed pods are still shown');
  await new Promise((r) => setTimeout(r, 4000));
  // attempts at 0, +1 s, +3 s (then +7 s): a tight loop would have made dozens
  const { list, watch: watches } = m.requestCounts;
  assert.equal(list, 1, 'a retry resumes the watch, it does not re-list');
  assert.ok(watches >= 2 && watches <= 4, `watch attempts in ~4 s: ${watches}`);
});

test('403 on metrics keeps the pods and says what is missing', async () => {
  cluster.admin.deny({ verb: 'list', resource: 'pods', group: 'metrics.k8s.io' });
  const m = watch();
  const s = await waitFor(m, 'pods without metrics', (s) => s.listed && s.pods.length === 2 && s.metricsError !== undefined);
  assert.equal(s.metricsError!.kind, 'forbidden');
  assert.match(s.metricsError!.message, /list pods\.metrics\.k8s\.io/);
  assert.equal(podDescription(s.pods[0]!, new Date()), 'no metrics · limit 256 MiB');
});

test('no metrics-server: gauges say "no metrics" with a hint, the rest works', async () => {
  cluster.admin.setMetricsAvailable(false);
  const m = watch();
  const s = await waitFor(m, 'metrics unavailable', (s) => s.listed && s.pods.length === 2 && s.metricsError !== undefined);
  assert.equal(s.metricsError!.kind, 'metrics-unavailable');
  assert.match(s.metricsError!.hint, /metrics-server/);
  assert.ok(s.pods.every((p) => p.metricsAt === undefined));
  cluster.admin.setMetricsAvailable(true);
  await waitFor(m, 'metrics back', (s) => !s.metricsError && s.pods.every((p) => p.metricsAt));
});

test('metrics failing after a good poll: the gauges keep their figures with their age, no verdict uses them', async () => {
  const m = watch();
  const good = await waitFor(m, 'metrics', (s) => s.listed && s.pods.length === 2 && s.pods.every((p) => p.metricsAt));
  const readAt = good.metricsAt!;
  const usage = good.pods.map((p) => p.containers[0]!.workingSetBytes);
  cluster.admin.setMetricsAvailable(false);
  const s = await waitFor(m, 'metrics unavailable', (s) => s.metricsError !== undefined);
  assert.equal(s.metricsError!.kind, 'metrics-unavailable');
  assert.deepEqual(s.pods.map((p) => p.containers[0]!.workingSetBytes), usage, 'the last figures stay on screen');
  assert.equal(s.metricsAt, readAt, 'and say when they were read');
  assert.equal(staleNote(s, readAt + s.metricsIntervalMs), undefined, 'fresh enough within two intervals');
  assert.equal(staleNote(s, readAt + 2 * s.metricsIntervalMs + 1), `as of ${clockTime(readAt)}`);
  // a verdict never passes on figures it could not read now
  assert.ok(measuredPods(s).every((p) => p.containers.every((c) => c.workingSetBytes === undefined)));
  assert.deepEqual(verifyRecovery(measuredPods(s), new Date(0), { warning: 80, critical: 90 }).memory, 'could not be checked');
  cluster.admin.setMetricsAvailable(true);
  const back = await waitFor(m, 'metrics back', (s) => !s.metricsError);
  assert.ok(back.metricsAt! > readAt);
});

test('an expired token is a 401 with "log in again", and recovers after renewal', async () => {
  cluster.admin.expireToken();
  const m = watch();
  const s = await waitFor(m, 'unauthorized', (s) => s.podsError !== undefined && s.metricsError !== undefined);
  assert.equal(s.podsError!.kind, 'unauthorized');
  assert.match(s.podsError!.hint, /Log in again/);
  assert.equal(s.metricsError?.kind, 'unauthorized');
  cluster.admin.renewToken();
  await waitFor(m, 'recovery', (s) => s.listed && !s.podsError && s.pods.length === 2);
});

test('an unreachable server is reported quickly; the watch resumes when it is back', async () => {
  const m = watch();
  await waitFor(m, 'first list', (s) => s.listed && s.pods.length === 2);
  await cluster.admin.setReachable(false);
  const s = await waitFor(m, 'unreachable', (s) => s.podsError !== undefined, 10_000);
  assert.equal(s.podsError!.kind, 'unreachable');
  assert.equal(s.pods.length, 2, 'the last known pods stay visible');
  await cluster.admin.setReachable(true);
  await waitFor(m, 'reconnected', (s) => !s.podsError, 15_000);
  assert.equal(m.requestCounts.list, 1, 'resumed from the last resourceVersion without a re-list');
});

test('a missing namespace says so instead of an empty tree', async () => {
  const m = watch({ namespace: 'payments-typo' });
  const s = await waitFor(m, 'namespace missing', (s) => s.podsError !== undefined);
  assert.equal(s.podsError!.kind, 'namespace-missing');
  assert.match(s.podsError!.message, /Namespace "payments-typo" does not exist/);
});

test('a slow server delays but does not hang or fail', async () => {
  cluster.admin.setDelay(1500);
  const m = watch();
  const s = await waitFor(m, 'a slow list', (s) => s.listed && s.pods.length === 2, 15_000);
  assert.equal(s.podsError, undefined);
  // Let the (equally slow) watch open before afterEach stops it: the emulator leaks a watch
  // whose client left while the delay held it back (its 30-min timer keeps the process alive).
  await new Promise((r) => setTimeout(r, 1700));
});

test('a refresh that is waiting on a slow list returns when the monitor is stopped (scope changed)', async () => {
  cluster.admin.setDelay(5000);
  const m = watch();
  const refreshed = m.refresh();
  setTimeout(() => m.stop(), 200);
  const outcome = await Promise.race([refreshed.then(() => 'returned'), new Promise((r) => setTimeout(() => r('still waiting'), 2000))]);
  assert.equal(outcome, 'returned');
});

test('metrics polls that overlap (a slow server, a Refresh on top of the timer) share one request', async () => {
  cluster.admin.setDelay(300);
  const m = monitorOf(cluster, {}, memoryLog()); // not started: no watch, no timer, only these polls
  await Promise.all([m.pollMetrics(), m.pollMetrics(), m.pollMetrics()]);
  assert.equal(m.requestCounts.metrics, 1);
  await m.pollMetrics();
  assert.equal(m.requestCounts.metrics, 2, 'the next poll after it landed is a new request');
});
