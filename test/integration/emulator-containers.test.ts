// Pods as real Linux containers, checked with the real kubectl 1.33: the workload is PID 1 at its
// image path, the app image has no gdb, `kubectl debug --target --profile=general` adds an
// ephemeral container in the target's PID namespace, PostgreSQL runs as a StatefulSet pod and the
// Python pod's connections to it are in its own socket table (and nobody else's), the kernel's OOM
// kill shows as OOMKilled, and the ephemeralcontainers subresource validates like kube-apiserver.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster, type Cluster, type ClusterConfig } from '../cluster/index.ts';
import { rawRequest } from '../cluster/client.ts';
import { eventually, Kubectl, noKubectl } from './kubectl.ts';
import { postgresPod, POSTGRES_URL } from '../cluster/postgresPod.ts';

const db = { DATABASE_URL: POSTGRES_URL };
const config: Partial<ClusterConfig> = {
  backoff: { baseMs: 500, maxMs: 2000 },
  readyDelayMs: 100,
  prometheus: { enabled: false, backfillMinutes: 0 },
  ...postgresPod(),
  deployments: [
    // Leaks a connection every 5th request, and little memory.
    { name: 'api', labels: { app: 'api' }, container: { name: 'api', image: 'registry.example.com/shop/orders-api:1.8.3', workload: 'python-api', env: { ...db, REQUESTS_PER_SECOND: '10', LEAK_KB_PER_REQUEST: '1', LEAK_CONNECTIONS_EVERY: '5' }, limits: { memory: '192Mi' }, ports: [8080] } },
    { name: 'sessions', labels: { app: 'sessions' }, container: { name: 'web', image: 'registry.example.com/shop/sessions:3', workload: 'node-api', env: { REQUESTS_PER_SECOND: '2' }, limits: { memory: '192Mi' }, ports: [8080] } },
  ],
  pods: [{ name: 'leaky', labels: { app: 'leaky' }, container: { name: 'api', image: 'registry.example.com/shop/orders-api:1.8.3', workload: 'python-api', env: { LEAK_KB_PER_REQUEST: '512', REQUESTS_PER_SECOND: '40' }, limits: { memory: '96Mi' }, ports: [8080] } }],
};

let cluster: Cluster;
let k: Kubectl;
const ok = (...args: string[]) => k.ok(...args);
const podOf = (app: string) => cluster.store.list('pods', 'default').find((p) => p.metadata.labels?.app === app && !p.metadata.deletionTimestamp)!.metadata.name;

describe('pods as real containers, with kubectl 1.33', { skip: noKubectl }, () => {
  before(async () => {
    cluster = await startCluster({ config, prometheus: false });
    k = await Kubectl.for(cluster.kubeconfigPath);
    await eventually('the pods ready', async () => {
      const out = await ok('get', 'pods', '-o', 'jsonpath={range .items[*]}{.metadata.name}={.status.containerStatuses[0].ready} {end}');
      return /postgres-0=true/.test(out) && /api-\S+=true/.test(out) && /sessions-\S+=true/.test(out) ? out : undefined;
    }, 90_000);
  });
  after(async () => {
    await k?.dispose();
    await cluster?.stop();
  });

  it('kubectl exec: the workload is PID 1 with its /app path, running as the image user; the app image has no gdb', async () => {
    const api = podOf('api');
    assert.equal((await ok('exec', api, '--', 'cat', '/proc/1/cmdline')).split('\0').filter(Boolean).join(' '), 'python3 /app/server.py');
    assert.equal((await ok('exec', api, '--', 'id', '-un')).trim(), 'app');
    const gdb = await k.run('exec', api, '--', 'gdb', '--version');
    assert.notEqual(gdb.code, 0);
    assert.match(gdb.stderr, /exec: "gdb": executable file not found in \$PATH/);
    assert.match(await ok('get', 'pod', api, '-o', 'jsonpath={.status.podIP}'), /^10\.244\.\d+\.\d+$/);
  });

  it('kubectl debug --target --profile=general adds an ephemeral container that sees the target\'s processes', async () => {
    const api = podOf('api');
    const out = await ok('debug', api, '--image=ghcr.io/kube-memory-triage/debug:1', '--target=api', '--profile=general', '--attach=false', '--', 'sleep', '600');
    const name = /Defaulting debug container name to (debugger-\w+)\./.exec(out)?.[1] ?? JSON.parse(await ok('get', 'pod', api, '-o', 'json')).spec.ephemeralContainers[0].name;
    const statuses = await eventually('the debug container running', async () => {
      const s = JSON.parse(await ok('get', 'pod', api, '-o', 'jsonpath={.status.ephemeralContainerStatuses}') || '[]');
      return s[0]?.state?.running ? s : undefined;
    });
    assert.equal(statuses[0].name, name);
    const spec = JSON.parse(await ok('get', 'pod', api, '-o', 'json')).spec.ephemeralContainers[0];
    assert.deepEqual([spec.targetContainerName, spec.securityContext.capabilities.add], ['api', ['SYS_PTRACE']]);
    const ps = await ok('exec', api, '-c', name, '--', 'ps', '-eo', 'pid,user,args');
    assert.match(ps, /^\s*1\s+1000\s+python3 \/app\/server\.py$/m);
    assert.match(await ok('logs', api, '-c', name), /^$/);
  });

  it('the ephemeralcontainers subresource validates like kube-apiserver 1.33', async () => {
    const api = podOf('api');
    const path = `/api/v1/namespaces/default/pods/${api}/ephemeralcontainers`;
    const patch = (body: unknown) => rawRequest(cluster, path, { method: 'PATCH', body, contentType: 'application/strategic-merge-patch+json' });
    const withPorts = await patch({ spec: { ephemeralContainers: [{ name: 'dbg2', image: 'busybox', ports: [{ containerPort: 80 }] }] } });
    assert.equal(withPorts.status, 422);
    assert.match(JSON.parse(withPorts.body).message, /spec\.ephemeralContainers\[1\]\.ports: Forbidden: cannot be set for an Ephemeral Container/);
    const dup = await patch({ spec: { ephemeralContainers: [{ name: 'api', image: 'busybox' }] } });
    assert.match(JSON.parse(dup.body).message, /name: Duplicate value: "api"/);
    const target = await patch({ spec: { ephemeralContainers: [{ name: 'dbg3', image: 'busybox', targetContainerName: 'nope' }] } });
    assert.match(JSON.parse(target.body).message, /targetContainerName: Not found: "nope"/);
    const removed = await rawRequest(cluster, path, { method: 'PATCH', body: { spec: { ephemeralContainers: [] } }, contentType: 'application/merge-patch+json' });
    assert.match(JSON.parse(removed.body).message, /existing ephemeral containers "debugger-\w+" may not be removed/);
    cluster.admin.deny({ verb: 'patch', resource: 'pods', subresource: 'ephemeralcontainers' });
    try {
      const denied = await k.run('debug', api, '--image=busybox', '--attach=false', '--', 'sleep', '1');
      assert.notEqual(denied.code, 0);
      assert.match(denied.stderr, /forbidden: User "oncall@example.com" cannot patch resource "pods\/ephemeralcontainers"/);
    } finally {
      cluster.admin.allow();
    }
  });

  it('PostgreSQL runs as the StatefulSet\'s pod; the Python pod\'s connections to it are in its own socket table only', async () => {
    assert.match(await ok('get', 'statefulset', 'postgres'), /postgres\s+1\/1/);
    const count = Number((await ok('exec', 'postgres-0', '--', 'psql', '-U', 'postgres', '-tAc', 'select count(*) from pg_stat_activity')).trim());
    assert.ok(count >= 1, `pg_stat_activity answers (${count})`);
    const api = podOf('api');
    const apiIP = await ok('get', 'pod', api, '-o', 'jsonpath={.status.podIP}');
    const pgIP = await ok('get', 'pod', 'postgres-0', '-o', 'jsonpath={.status.podIP}');
    const hex = (ip: string) => ip.split('.').reverse().map((o) => Number(o).toString(16).padStart(2, '0')).join('').toUpperCase();
    const established = (table: string) => table.split('\n').slice(1).map((l) => l.trim().split(/\s+/)).filter((f) => f[3] === '01');
    const { fromApi, fromServer } = await eventually('leaked connections on both sides', async () => {
      const table = established(await ok('exec', api, '--', 'cat', '/proc/net/tcp'));
      const toPg = table.filter((f) => f[2] === `${hex(pgIP)}:1538`);
      const server = Number((await ok('exec', 'postgres-0', '--', 'psql', '-U', 'postgres', '-tAc', `select count(*) from pg_stat_activity where client_addr = '${apiIP}'`)).trim());
      return toPg.length >= 3 && toPg.length === server ? { fromApi: toPg.length, fromServer: server } : undefined;
    }, 60_000, 500);
    assert.equal(fromApi, fromServer);
    const sessions = established(await ok('exec', podOf('sessions'), '--', 'cat', '/proc/net/tcp'));
    assert.equal(sessions.some((f) => f[1].startsWith(hex(apiIP)) || f[2].startsWith(hex(pgIP))), false, "no other pod's sockets in the Node pod's table");
  });

  it('the kernel OOM-kills the leaking container: kubectl shows OOMKilled, exit 137 and the restart', async () => {
    const status = await eventually('the OOM kill', async () => {
      const s = JSON.parse(await ok('get', 'pod', 'leaky', '-o', 'jsonpath={.status.containerStatuses[0]}'));
      return s.lastState?.terminated ? s : undefined;
    }, 90_000, 500);
    assert.deepEqual([status.lastState.terminated.reason, status.lastState.terminated.exitCode], ['OOMKilled', 137]);
    assert.ok(status.restartCount >= 1);
    assert.match(await ok('get', 'pod', 'leaky'), /leaky\s+\S+\s+(OOMKilled|Running|CrashLoopBackOff)\s+[1-9]/);
  });

  it('kubectl rollout restart statefulset replaces postgres-0 and rollout status follows it', async () => {
    const before = cluster.store.get('pods', 'default', 'postgres-0')!.metadata.uid;
    await ok('rollout', 'restart', 'statefulset/postgres');
    assert.match(await ok('rollout', 'status', 'statefulset/postgres', '--timeout=60s'), /partitioned roll out complete|rolling update complete/);
    assert.notEqual(cluster.store.get('pods', 'default', 'postgres-0')!.metadata.uid, before);
  });
});
