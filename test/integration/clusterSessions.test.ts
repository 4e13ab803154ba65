// Sessions and connections as an on-call engineer needs them: a Refresh re-lists through the
// session it has (the credential plugin runs once, the rows stay on screen), every request of a
// cluster shares one keep-alive connection, and the watch survives quiet periods and says so
// when a resumed watch cannot get its credentials.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { Cluster } from '../cluster/index.ts';
import { listPodMetrics } from '../../src/cluster/podList.ts';
import { PodMonitor, type PodSnapshot } from '../../src/cluster/podMonitor.ts';
import { openSession } from '../../src/cluster/session.ts';
import { SessionStore } from '../../src/cluster/sessionStore.ts';
import { execKubeconfig, tokenPlugin, writeScript } from './execKubeconfig.ts';
import { failOnUnhandledRejections, leakyDeployment, memoryLog, startTestCluster, waitFor } from './clusterScope.ts';

failOnUnhandledRejections();
let cluster: Cluster;
const dir = mkdtempSync(path.join(tmpdir(), 'kmt-sessions-'));
const runs = (counter: string) => readFileSync(counter, 'utf8').split('\n').filter((l) => l !== '').length;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  // A quiet api pod, and in the same namespace pods OOM-killed every ~2 s that move the
  // resourceVersion past a tiny watch history: resuming from the list's version would be a 410.
  cluster = await startTestCluster({
    watchHistory: 3, bookmarkIntervalMs: 300,
    deployments: [leakyDeployment('api', { app: 'api' }, '256Mi', 100, 0), leakyDeployment('churn', { app: 'churn' }, '100Mi', 90, 300, 2)],
  });
});

after(async () => {
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('a Refresh re-lists through the same session: the plugin runs once and the rows never leave', async () => {
  const counter = path.join(dir, 'runs');
  writeFileSync(counter, '');
  const kubeconfig = execKubeconfig(cluster, dir, 'sso.yaml', 'sso', tokenPlugin(dir, 'count.sh', cluster.token, counter));
  const store = new SessionStore();
  const scope = { context: '', namespace: '', labelSelector: 'app=api' };
  const session = store.open(scope, kubeconfig);
  const monitor = new PodMonitor(session, { metricsIntervalMs: 60_000, log: memoryLog(), debounceMs: 50 });
  monitor.start();
  try {
    await waitFor(monitor, 'first list with metrics', (s) => s.listed && s.pods.length === 1 && s.metricsAt !== undefined);
    const seen: PodSnapshot[] = [];
    const off = monitor.onSnapshot((s) => seen.push(s));
    for (let i = 0; i < 3; i++) {
      // what PodTree.refresh does: read the kubeconfig again, keep the monitor if the session is the same
      assert.equal(store.open(scope, kubeconfig), session, 'same kubeconfig, same session');
      const answer = await monitor.refresh();
      assert.ok(answer.listed && answer.pods.length === 1);
    }
    off();
    assert.equal(monitor.requestCounts.list, 4, 'each Refresh re-listed');
    assert.ok(seen.length >= 3);
    assert.deepEqual(seen.filter((s) => !s.listed || s.pods.length !== 1 || s.pods[0]!.containers[0]?.workingSetBytes === undefined).length, 0, 'no snapshot without the row and its gauge');
    assert.equal(runs(counter), 1, 'the credential plugin ran once');
    // Another context's edit leaves this one; an edit of this user's plugin gives a new session.
    writeFileSync(kubeconfig, readFileSync(kubeconfig, 'utf8') + '- name: other\n  context: { cluster: sso, user: sso-user }\n');
    assert.equal(store.open(scope, kubeconfig), session);
    execKubeconfig(cluster, dir, 'sso.yaml', 'sso', tokenPlugin(dir, 'count.sh', cluster.token, counter), ['--profile', 'new']);
    assert.notEqual(store.open(scope, kubeconfig), session);
    assert.equal(store.kubeConfigsMade, 2);
  } finally {
    monitor.stop();
    store.dispose();
  }
});

test('ten metric polls use one TLS connection', async () => {
  const session = openSession({ context: '', namespace: '', labelSelector: 'app=api' }, cluster.kubeconfigPath);
  const before = cluster.tlsConnections();
  for (let i = 0; i < 10; i++) {
    await listPodMetrics(session);
    await sleep(100);
  }
  assert.equal(cluster.tlsConnections() - before, 1);
});

test('a quiet scope watched through several server timeouts resumes from its bookmarks, without a re-list', async () => {
  const session = openSession({ context: '', namespace: '', labelSelector: 'app=api' }, cluster.kubeconfigPath);
  const monitor = new PodMonitor(session, { metricsIntervalMs: 60_000, log: memoryLog(), debounceMs: 50, watch: { timeoutSeconds: 1 } });
  monitor.start();
  try {
    await waitFor(monitor, 'first list', (s) => s.listed && s.pods.length === 1);
    await sleep(5500);
    assert.ok(monitor.requestCounts.watch >= 4, `the watch ended and resumed: ${monitor.requestCounts.watch} watches`);
    assert.equal(monitor.requestCounts.list, 1, 'no re-list (no 410)');
    assert.equal(monitor.snapshot.podsError, undefined);
  } finally {
    monitor.stop();
  }
});

test('a credential plugin that hangs when a watch resumes shows its error row', async () => {
  const counter = path.join(dir, 'hang-runs');
  writeFileSync(counter, '');
  // The first run hands out a token good for 2 s; every later run waits for a login that never comes.
  const plugin = writeScript(dir, 'hang.sh', `echo run >> ${counter}
if [ "$(wc -l < ${counter})" -gt 1 ]; then sleep 6; exit 1; fi
exp=$(date -u -d '+2 seconds' +%Y-%m-%dT%H:%M:%SZ)
echo '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"${cluster.token}","expirationTimestamp":"'$exp'"}}'
`);
  const session = openSession({ context: '', namespace: '', labelSelector: 'app=api' }, execKubeconfig(cluster, dir, 'hang.yaml', 'sso-hang', plugin));
  const monitor = new PodMonitor(session, { metricsIntervalMs: 60_000, log: memoryLog(), debounceMs: 50, watch: { timeoutSeconds: 1, requestTimeoutMs: 1500 } });
  monitor.start();
  try {
    await waitFor(monitor, 'first list', (s) => s.listed && s.pods.length === 1);
    const s = await waitFor(monitor, 'the plugin error', (s) => s.podsError !== undefined, 10_000);
    assert.equal(s.podsError!.kind, 'unauthorized');
    assert.match(s.podsError!.message, /^Could not get credentials for the cluster: the credential plugin gave no answer within 1\.5 s/);
    assert.equal(s.pods.length, 1, 'the last known pods stay');
  } finally {
    monitor.stop();
  }
});
