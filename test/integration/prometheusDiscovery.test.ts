import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCluster, type Cluster } from '../cluster/index.ts';
import { makeTls } from '../cluster/tls.ts';
import { discoverPrometheus } from '../../src/prometheus/discovery.ts';
import { ClusterError } from '../../src/cluster/clusterError.ts';

// Discovery against the emulator: the Helm-labelled Prometheus lives in `monitoring`; the user may
// or may not list services cluster-wide; each way it fails says which failure it was.

let cluster: Cluster;
let kc: KubeConfig;

before(async () => {
  cluster = await startCluster({
    prometheus: false,
    config: {
      namespaces: ['observability'],
      services: [
        { name: 'prometheus-server', namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'prometheus', 'app.kubernetes.io/component': 'server' }, ports: [{ name: 'http', port: 9090 }] },
        { name: 'thanos-query', namespace: 'observability', labels: { 'app.kubernetes.io/name': 'thanos-query' }, ports: [{ name: 'http', port: 10902 }] },
        { name: 'web', namespace: 'default', labels: { app: 'web' }, ports: [{ name: 'http', port: 80 }] },
      ],
    },
  });
  kc = new KubeConfig();
  kc.loadFromFile(cluster.kubeconfigPath);
});
after(() => cluster?.stop());

const names = (found: { namespace: string; name: string }[]) => found.map((c) => `${c.namespace}/${c.name}`);

test('cluster-wide: every Prometheus-like service, in selector order', async () => {
  assert.deepEqual(names(await discoverPrometheus(kc)), ['monitoring/prometheus-server', 'observability/thanos-query']);
});

test('without the cluster-wide list: the likely namespaces, and the first one with a match wins', async () => {
  cluster.admin.deny({ verb: 'list', resource: 'services', namespace: '' });
  try {
    // monitoring comes before observability among the usual places: its answer is the one
    assert.deepEqual(names(await discoverPrometheus(kc)), ['monitoring/prometheus-server']);
    // a namespace named by the caller is looked at first
    assert.deepEqual(names(await discoverPrometheus(kc, { namespaces: ['observability'] })), ['observability/thanos-query']);
    cluster.admin.deny({ verb: 'list', resource: 'services', namespace: 'monitoring' });
    assert.deepEqual(names(await discoverPrometheus(kc)), ['observability/thanos-query']);
  } finally {
    cluster.admin.allow();
  }
});

test('no list anywhere: one message that says so and names the settings', async () => {
  cluster.admin.deny({ verb: 'list', resource: 'services' });
  try {
    await assert.rejects(discoverPrometheus(kc), (err: unknown) => {
      assert.ok(err instanceof ClusterError);
      assert.equal(err.kind, 'forbidden');
      assert.match(err.message, /not list services cluster-wide nor in default, monitoring/);
      assert.match(err.hint, /memoryTriage\.prometheus\.service/);
      return true;
    });
  } finally {
    cluster.admin.allow();
  }
});

test('an expired token, an unreachable server and a CA that does not match each say what they are', async () => {
  cluster.admin.expireToken();
  try {
    await assert.rejects(discoverPrometheus(kc), (err: unknown) => err instanceof ClusterError && err.kind === 'unauthorized' && /^Prometheus discovery: .*401/.test(err.message));
  } finally {
    cluster.admin.renewToken();
  }

  const wrongCa = new KubeConfig();
  wrongCa.loadFromFile(cluster.kubeconfigPath);
  const c = wrongCa.getCurrentCluster()!;
  // another CA: the emulator's certificate does not chain to it
  const dir = mkdtempSync(join(tmpdir(), 'kmt-ca-'));
  try {
    const other = await makeTls(dir);
    wrongCa.clusters = [{ ...c, caData: Buffer.from(other.caPem).toString('base64'), caFile: undefined }];
    await assert.rejects(discoverPrometheus(wrongCa), (err: unknown) => err instanceof ClusterError && /TLS certificate this machine does not accept/.test(err.message) && /certificate-authority/.test(err.hint));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  await cluster.admin.setReachable(false);
  try {
    await assert.rejects(discoverPrometheus(kc), (err: unknown) => err instanceof ClusterError && err.kind === 'unreachable' && /^Prometheus discovery: Cannot reach the API server/.test(err.message));
  } finally {
    await cluster.admin.setReachable(true);
  }
});
