// Credentials as kubectl finds them: KUBECONFIG with several files (first file's current
// context wins) and a user whose token comes from an exec plugin, against the local cluster.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { Cluster } from '../cluster/index.ts';
import { listPods } from '../../src/cluster/podList.ts';
import { PodMonitor } from '../../src/cluster/podMonitor.ts';
import { openSession } from '../../src/cluster/session.ts';
import { execKubeconfig as writeExecKubeconfig, tokenPlugin } from './execKubeconfig.ts';
import { failOnUnhandledRejections, leakyDeployment, memoryLog, startTestCluster, waitFor } from './clusterScope.ts';

failOnUnhandledRejections();
let cluster: Cluster;
const dir = mkdtempSync(path.join(tmpdir(), 'kmt-auth-'));

function plugin(name: string, token: string): string {
  return tokenPlugin(dir, name, token);
}

function execKubeconfig(name: string, context: string, command: string): string {
  return writeExecKubeconfig(cluster, dir, name, context, command);
}

before(async () => {
  cluster = await startTestCluster({ deployments: [leakyDeployment('api', { app: 'api' }, '256Mi', 100, 0)] });
});

after(async () => {
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('an exec plugin user in the first KUBECONFIG file is used, as kubectl would', async () => {
  const good = execKubeconfig('exec.yaml', 'sso', plugin('good-token.sh', cluster.token));
  const env = { KUBECONFIG: [good, cluster.kubeconfigPath].join(path.delimiter) };
  const session = openSession({ context: '', namespace: '', labelSelector: 'app=api' }, undefined, env);
  assert.equal(session.contextName, 'sso');
  const list = await listPods(session);
  assert.equal(list.items.length, 1);
  // the second file's context is there too
  assert.equal(openSession({ context: 'emulator', namespace: '', labelSelector: 'app=api' }, undefined, env).server, cluster.apiUrl);
});

test('a plugin that hands out a stale token gives "unauthorized", not a crash', async () => {
  const stale = execKubeconfig('stale.yaml', 'sso-stale', plugin('stale-token.sh', 'expired-token'));
  const session = openSession({ context: '', namespace: '', labelSelector: '' }, stale);
  await assert.rejects(listPods(session), (e: { kind?: string }) => e.kind === 'unauthorized');
});

// The token expires while the view watches and the plugin now fails (an SSO session ran out).
// client-node's Watch throws from inside ListWatch's reconnect, where nobody awaits it: unless
// the watcher catches it, that is an unhandled rejection and the tree never retries.
test('a plugin that starts failing mid-watch gives "could not get credentials", retried with back-off', async () => {
  const expired = path.join(dir, 'sso-expired');
  const file = path.join(dir, 'expiring.sh');
  writeFileSync(file, `#!/bin/sh
if [ -e ${expired} ]; then echo 'SSO session expired; run: aws sso login' >&2; exit 1; fi
exp=$(date -u -d '+2 seconds' +%Y-%m-%dT%H:%M:%SZ)
echo '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"${cluster.token}","expirationTimestamp":"'$exp'"}}'
`);
  chmodSync(file, 0o755);
  const session = openSession({ context: '', namespace: '', labelSelector: 'app=api' }, execKubeconfig('expiring.yaml', 'sso-expiring', file));
  const log = memoryLog();
  const m = new PodMonitor(session, { metricsIntervalMs: 400, log, debounceMs: 50 });
  m.start();
  try {
    await waitFor(m, 'first list', (s) => s.listed && s.pods.length === 1);
    writeFileSync(expired, '');
    await new Promise((r) => setTimeout(r, 2500)); // the cached credential runs out
    await cluster.admin.setReachable(false); // drops the open watch, so it must reconnect
    await cluster.admin.setReachable(true);
    const s = await waitFor(m, 'a credential error', (s) => s.podsError?.message.includes('SSO session expired') === true, 10_000);
    assert.equal(s.podsError!.kind, 'unauthorized');
    assert.equal(s.podsError!.message, 'Could not get credentials for the cluster: SSO session expired; run: aws sso login.');
    assert.equal(s.pods.length, 1, 'the last known pods stay');
    await new Promise((r) => setTimeout(r, 3500));
    const retries = log.lines.filter((l) => l.startsWith('warn pods') && l.includes('SSO session expired')).map((l) => /retrying in (\d+)s/.exec(l)?.[1]);
    assert.ok(retries.length >= 2 && retries.length <= 3, `retried with a growing delay, not in a loop: ${retries.join(', ')}`);
    rmSync(expired);
    await waitFor(m, 'recovery after logging in again', (s) => s.listed && !s.podsError && s.pods.length === 1, 15_000);
  } finally {
    m.stop();
  }
});
