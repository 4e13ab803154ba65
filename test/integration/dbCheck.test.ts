// Runbook step 4 against real containers and a real PostgreSQL: checkDbConnections on unmodified
// python-api pods. The one whose exports leak shows checked-out rising between two checks
// (verdict leaking), then, once Check Again finds its pool exhausted, the same count of
// ESTABLISHED sockets to 5432 in its table as PostgreSQL's pg_stat_activity has for its IP; the
// healthy sibling stays healthy; an engine path that does not exist is named in the problems (the
// gc scan still finds the engine); the runbook's own one-liner, run its way, prints 0 checked out.
import assert from 'node:assert/strict';
import { KubeConfig } from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { defaultConfigPath, startCluster, type Cluster, type ClusterConfig } from '../cluster/index.ts';
import { execInPod } from '../../src/cluster/podExec.ts';
import { checkDbConnections, recheckDbConnections, type DbCheckOptions } from '../../src/heap/dbCheck.ts';
import type { PoolReport } from '../../src/triage/model.ts';
import { DEFAULT_DB_PORTS, establishedToDatabases } from '../../src/triage/socketTable.ts';

const debugImage = 'ghcr.io/kube-memory-triage/debug:1';
// The demo's PostgreSQL (its StatefulSet, headless Service, URL) and images, with our own pods.
const demo = JSON.parse(readFileSync(defaultConfigPath, 'utf8')) as ClusterConfig;
const DATABASE_URL = demo.deployments.find((d) => d.name === 'api')!.container!.env!.DATABASE_URL!;
// One abandoned export every 4 s (2 requests/s, every 8th): the 15 connections of the pool
// (5 + overflow 10) last about a minute, long enough for two checks 12 s apart, short enough to
// see it exhausted within the test.
const app = (name: string, env: Record<string, string>) => ({
  name, labels: { app: name },
  container: { name: 'api', image: 'registry.example.com/shop/orders-api:1.8.3', workload: 'python-api', env: { DATABASE_URL, REQUESTS_PER_SECOND: '2', ...env }, limits: { memory: '256Mi' }, ports: [8080] },
});
const config: Partial<ClusterConfig> = {
  readyDelayMs: 100,
  backoff: { baseMs: 300, maxMs: 1000 },
  prometheus: { enabled: false, backfillMinutes: 0 },
  images: demo.images,
  statefulSets: demo.statefulSets,
  services: demo.services.filter((s) => s.name === 'postgres'),
  pods: [
    app('leaky', { LEAK_KB_PER_REQUEST: '1', LEAK_CONNECTIONS_EVERY: '8' }),
    app('healthy', { LEAK_KB_PER_REQUEST: '0', LEAK_CONNECTIONS_EVERY: '0' }),
    { name: 'sessions', labels: { app: 'sessions' }, container: { name: 'web', image: 'registry.example.com/shop/sessions:3', workload: 'node-api', env: { REQUESTS_PER_SECOND: '1' }, limits: { memory: '192Mi' }, ports: [8080] } },
  ],
};

let cluster: Cluster;
let kc: KubeConfig;
const ref = (name: string) => ({ context: 'emulator', namespace: 'default', name });
const options: DbCheckOptions = { engines: ['infrastructure.db:engine'], dbPorts: DEFAULT_DB_PORTS, windowSeconds: 12, debugImage };
const exec = (pod: string, container: string, argv: string[]) => execInPod(kc, { namespace: 'default', pod, container }, argv, { timeoutMs: 30_000 });
const podIP = (pod: string) => (cluster.store.get('pods', 'default', pod)?.status as { podIP?: string } | undefined)?.podIP ?? '';
const checkedOut = (r: PoolReport) => r.checks.map((c) => c.pools[0]?.checkedOut);
const toPostgres = (r: PoolReport, i: number) => establishedToDatabases(r.checks[i]!.sockets, 5432);

/** PostgreSQL's own count of the server connections from one client address. */
async function serverConnections(clientIP: string): Promise<number> {
  assert.match(clientIP, /^\d+\.\d+\.\d+\.\d+$/);
  const out = await exec('postgres-0', 'postgres', ['psql', '-U', 'postgres', '-tAc', `select count(*) from pg_stat_activity where client_addr = '${clientIP}'`]);
  assert.equal(out.exitCode, 0, out.stderr);
  return Number(out.stdout.trim());
}

describe('checkDbConnections on real containers and PostgreSQL', { timeout: 200_000 }, () => {
  let leaking: PoolReport;
  before(async () => {
    cluster = await startCluster({ config, prometheus: false });
    kc = new KubeConfig();
    kc.loadFromFile(cluster.kubeconfigPath);
    const deadline = Date.now() + 90_000;
    const ready = () => ['postgres-0', 'leaky', 'healthy', 'sessions'].every((n) => (cluster.store.get('pods', 'default', n)?.status as { containerStatuses?: { ready?: boolean }[] } | undefined)?.containerStatuses?.[0]?.ready);
    while (!ready()) {
      assert.ok(Date.now() < deadline, 'the pods did not get ready');
      await new Promise((r) => setTimeout(r, 200));
    }
  });
  after(async () => {
    await cluster?.stop();
  });

  it('the leaking pod: checked out rises between two checks, verdict leaking, with the figures', async (t) => {
    const steps: string[] = [];
    leaking = await checkDbConnections(kc, ref('leaky'), 'api', { ...options, onProgress: (m) => steps.push(m) });
    t.diagnostic(`${leaking.verdict.kind}: ${leaking.verdict.text}`);
    assert.equal(leaking.checks.length, 2);
    assert.deepEqual(leaking.checks.map((c) => c.problems), [[], []]);
    const pool = leaking.checks[1]!.pools[0]!;
    assert.deepEqual([pool.foundAt, pool.poolClass, pool.size, pool.maxOverflow, pool.timeoutSeconds, pool.url],
      ['infrastructure.db:engine', 'QueuePool', 5, 10, 2, 'postgresql://postgres:***@postgres:5432/orders']);
    const [first, second] = checkedOut(leaking) as [number, number];
    assert.ok(second - first >= 2, `checked out ${first} -> ${second}`);
    assert.equal(leaking.verdict.kind, 'leaking', leaking.verdict.text);
    assert.match(leaking.verdict.text, new RegExp(`^connections leaking: ${first} -> ${second} checked out in 1[2-9] s \\(pool 5 \\+ overflow 10\\) on postgresql://postgres:\\*\\*\\*@postgres:5432/orders; ESTABLISHED to PostgreSQL :5432 \\d+ -> \\d+$`));
    assert.ok(toPostgres(leaking, 1) >= second, 'every checked-out connection is a socket to PostgreSQL');
    assert.equal(leaking.pid, 1);
    assert.match(leaking.method, /^SQLAlchemy pools read in the live process \(pid 1: python3 \/app\/server\.py .*, Python 3\.\d+\.\d+, SQLAlchemy \d+\.\d+\.\d+\) by gdb in the ephemeral container \S+ \(ghcr\.io\/kube-memory-triage\/debug:1\); sockets from \/proc\/net\/tcp and tcp6 through exec in api \(left out: listening \d+, [^)]*loopback \d+[^)]*\)$/);
    assert.ok(steps.some((s) => /^waiting for the next check$/.test(s)), steps.join(' | '));
  });

  it('the healthy sibling: healthy', async (t) => {
    const r = await checkDbConnections(kc, ref('healthy'), 'api', options);
    t.diagnostic(`${r.verdict.kind}: ${r.verdict.text}`);
    assert.deepEqual(r.checks.flatMap((c) => c.problems), []);
    assert.equal(r.verdict.kind, 'healthy', r.verdict.text);
    assert.match(r.verdict.text, /^healthy: [01] -> [01] checked out in 1[2-9] s \(pool 5 \+ overflow 10\) on postgresql:\/\/postgres:\*\*\*@postgres:5432\/orders; ESTABLISHED to PostgreSQL :5432 \d -> \d$/);
    assert.equal(toPostgres(r, 1), await serverConnections(podIP('healthy')), 'the pooled connections, on both sides');
  });

  it('an engine path that does not exist is named in the problems; the gc scan still finds the engine', async () => {
    const r = await checkDbConnections(kc, ref('healthy'), 'api', { ...options, engines: ['infrastructure.database:engine', 'infrastructure.db:eng'], checks: 1 });
    assert.deepEqual(r.checks[0]!.problems, [
      'No engine at infrastructure.database:engine: the module infrastructure.database is not imported in this process.',
      'No engine at infrastructure.db:eng: infrastructure.db has no attribute eng.',
    ]);
    assert.deepEqual(r.checks[0]!.pools.map((p) => [p.foundAt, p.url]), [['gc', 'postgresql://postgres:***@postgres:5432/orders']]);
    assert.equal(r.verdict.kind, 'unknown');
    assert.match(r.verdict.text, /^one check: [01] of 15 checked out .*check again to tell a leak from a busy pool/);
  });

  it('a database port the user did not configure: said so, and its sockets are a plain group', async () => {
    const r = await checkDbConnections(kc, ref('healthy'), 'api', { ...options, dbPorts: { 6379: 'Redis' }, checks: 1 });
    assert.deepEqual(r.checks[0]!.problems, ['A pool connects to port 5432, which is not among the configured database ports: its sockets are not counted as database connections.']);
    const pg = r.checks[0]!.sockets.find((g) => g.remotePort === 5432 && g.state === 'ESTABLISHED');
    assert.ok(pg && pg.count >= 1 && pg.service === undefined, JSON.stringify(r.checks[0]!.sockets));
  });

  it('a container without Python: its sockets still reported, the problem says why the pool was not read', async () => {
    const r = await checkDbConnections(kc, ref('sessions'), 'web', { ...options, checks: 1 });
    assert.deepEqual(r.checks[0]!.pools, []);
    assert.match(r.checks[0]!.problems.join(' | '), /^The pool in the process could not be read: no Python process runs in the container web \(its processes: pid 1: node \/usr\/src\/app\/server\.js \(\d+ MiB\)\)\. Pools are read in Python processes only for now \(this container runs Node\)\.$/);
    assert.match(r.method, /^the pools in the process not read; sockets from \/proc\/net\/tcp and tcp6 through exec in web/);
    assert.equal(r.verdict.kind, 'unknown');
    assert.match(r.verdict.text, /^could not be checked: The pool in the process could not be read: no Python process/);
  });

  it("the runbook's one-liner, run its way, imports a new engine and prints 0 checked out", async (t) => {
    const line = 'from infrastructure.db import engine; print(engine.pool.size(), engine.pool.checkedout())';
    const out = await exec('leaky', 'api', ['env', 'PYTHONPATH=/app', 'python', '-c', line]);
    assert.equal(out.exitCode, 0, out.stderr);
    t.diagnostic(`python -c "${line}" -> ${out.stdout.trim()}`);
    assert.equal(out.stdout.trim(), '5 0');
    assert.ok((checkedOut(leaking).at(-1) ?? 0) >= 2, 'while the live process has connections out');
  });

  it('Check Again on the leaking pod: exhausted; its sockets to 5432 are the pool and what pg_stat_activity counts for its IP', async (t) => {
    let r = leaking;
    for (const deadline = Date.now() + 90_000; r.verdict.kind !== 'exhausted';) {
      assert.ok(Date.now() < deadline, `not exhausted: ${r.verdict.text}`);
      await new Promise((res) => setTimeout(res, 5000));
      r = await recheckDbConnections(kc, r, options);
    }
    t.diagnostic(`${r.verdict.kind}: ${r.verdict.text}`);
    const last = r.checks.length - 1;
    assert.ok(last >= 2);
    assert.deepEqual(r.checks[last]!.problems, []);
    assert.equal(r.checks[last]!.pools[0]!.checkedOut, 15);
    assert.match(r.verdict.text, /^pool exhausted: 15 of 15 checked out \(pool 5 \+ overflow 10\) on postgresql:\/\/postgres:\*\*\*@postgres:5432\/orders; a request waits 2 s for one, then fails; \d+ -> .*15 in \d+ s/);
    // Every connection is leaked and nothing new can be opened: both sides hold still.
    const server = await serverConnections(podIP('leaky'));
    assert.equal(toPostgres(r, last), 15);
    assert.equal(server, 15, 'pg_stat_activity for the pod\'s IP');
  });
});
