import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { startCluster, type Cluster } from '../cluster/index.ts';
import { PrometheusClient } from '../../src/prometheus/client.ts';
import { discoverPrometheus } from '../../src/prometheus/discovery.ts';
import { PrometheusError, PrometheusNotReadyError, ServiceProxyForbiddenError } from '../../src/prometheus/errors.ts';
import { fetchMemoryTrend } from '../../src/prometheus/memoryTrend.ts';
import { rangeChoice, windowEndingAt } from '../../src/prometheus/step.ts';
import { ServiceProxyTransport } from '../../src/prometheus/serviceProxyTransport.ts';
import { summarizeTrend } from '../../src/triage/trendVerdict.ts';
import { startLocalPrometheus, type LocalPrometheus } from './localPrometheus.ts';
import { trendHistory } from './trendHistory.ts';

// Prometheus through the Kubernetes API server's service proxy, with the kubeconfig's own CA and
// bearer token, the way the extension reaches it in a cluster: the emulator's API server proxies
// monitoring/prometheus-server:9090 to a real Prometheus holding hand-computable history.

const now = Math.floor(Date.now() / 1000);
let prom: LocalPrometheus;
let cluster: Cluster;
let kc: KubeConfig;

before(async () => {
  prom = await startLocalPrometheus(trendHistory(now));
  cluster = await startCluster({
    prometheus: false,
    config: {
      // a second candidate, so discovery has a choice to offer
      services: [{ name: 'thanos-query', namespace: 'observability', labels: { 'app.kubernetes.io/name': 'thanos-query' }, ports: [{ name: 'grpc', port: 10901 }, { name: 'http', port: 10902 }] }],
      namespaces: ['default', 'observability'],
    },
  });
  cluster.setServiceTarget('monitoring', 'prometheus-server', 9090, prom.url);
  kc = new KubeConfig();
  kc.loadFromFile(cluster.kubeconfigPath);
});
after(async () => {
  await cluster?.stop();
  await prom?.stop();
});

test('discovery finds the Helm-labelled service first, then the Thanos querier', async () => {
  const found = await discoverPrometheus(kc);
  assert.deepEqual(
    found.map((c) => [c.namespace, c.name, c.port, c.scheme]),
    [
      ['monitoring', 'prometheus-server', '9090', 'http'],
      ['observability', 'thanos-query', '10902', 'http'],
    ],
  );
  assert.equal(found[0]!.selector, 'app.kubernetes.io/name=prometheus,app.kubernetes.io/component=server');
});

test('the leaky pod through the service proxy: the same figures as by URL', async () => {
  const [service] = await discoverPrometheus(kc);
  const client = new PrometheusClient(new ServiceProxyTransport(kc, service!));
  assert.match(client.where, /^service monitoring\/prometheus-server:9090 via 127\.0\.0\.1:\d+ \(context /);
  const trend = await fetchMemoryTrend(client, {
    scope: { kind: 'pods', namespace: 'default', names: ['api-leaky-0', 'api-steady-0'] },
    ...windowEndingAt(now, rangeChoice('1h')),
  });
  const rows = summarizeTrend(trend, { warningPercent: 80, criticalPercent: 90 });
  assert.deepEqual(rows.map((r) => [r.pod, r.verdict]), [['api-leaky-0', 'growing'], ['api-steady-0', 'steady']]);
  assert.ok(Math.abs(rows[0]!.slopeMiBPerMinute! - 4) < 0.01);
  assert.equal(trend.events.filter((e) => e.kind === 'OOMKilled').length, 1);
  await client.transport.close();
});

test('403 on services/proxy names the RBAC rule that is missing', async () => {
  const client = new PrometheusClient(new ServiceProxyTransport(kc, { namespace: 'monitoring', name: 'prometheus-server', port: '9090', scheme: 'http' }));
  cluster.admin.deny({ verb: 'get', resource: 'services', subresource: 'proxy', namespace: 'monitoring' });
  try {
    await assert.rejects(client.query('up'), (err: unknown) => {
      assert.ok(err instanceof ServiceProxyForbiddenError, String(err));
      assert.match(err.message, /Forbidden to reach Prometheus/);
      assert.match(err.hint!, /resources: \["services\/proxy"\], resourceNames: \["prometheus-server"\], verbs: \["get"\]/);
      return true;
    });
  } finally {
    cluster.admin.allow({ subresource: 'proxy' });
  }
  assert.ok((await client.query('vector(1)')).length === 1);
  await client.transport.close();
});

test('a service with nothing ready behind it (503) is said as not ready (an error the trend panel retries)', async () => {
  const client = new PrometheusClient(new ServiceProxyTransport(kc, { namespace: 'observability', name: 'thanos-query', port: '10902', scheme: 'http' }));
  try {
    await assert.rejects(client.query('up'), (err: unknown) => {
      assert.ok(err instanceof PrometheusNotReadyError, String(err));
      assert.match(err.message, /The API server cannot reach observability\/thanos-query:10902/);
      assert.match(err.hint ?? '', /running and ready/);
      return true;
    });
  } finally {
    await client.transport.close();
  }
});

test('a service that does not exist, and an expired token, are said as such', async () => {
  const missing = new PrometheusClient(new ServiceProxyTransport(kc, { namespace: 'monitoring', name: 'nope', port: '9090', scheme: 'http' }));
  await assert.rejects(missing.query('up'), (err: unknown) => {
    assert.ok(err instanceof PrometheusError && /was not found/i.test(err.message), String(err));
    // a remembered pick is no setting: the hint names the command that forgets it
    assert.match(err.hint!, /Run "Memory Triage: Select Prometheus" to search again/);
    return true;
  });
  await missing.transport.close();
  const client = new PrometheusClient(new ServiceProxyTransport(kc, { namespace: 'monitoring', name: 'prometheus-server', port: '9090', scheme: 'http' }));
  cluster.admin.expireToken();
  try {
    await assert.rejects(client.query('up'), /rejected the kubeconfig's credentials \(HTTP 401\)/);
  } finally {
    cluster.admin.renewToken();
  }
  await client.transport.close();
});

// A kubeconfig user whose token comes from an exec plugin (aws, gke-gcloud-auth-plugin, kubelogin),
// given as an argv. Each user has its own name: client-node caches exec credentials by user name.
function execKubeConfig(user: string, command: string, args: string[]): KubeConfig {
  const exec = { apiVersion: 'client.authentication.k8s.io/v1', command, args, interactiveMode: 'Never' };
  const execKc = new KubeConfig();
  execKc.loadFromOptions({
    clusters: [{ name: 'emulator', server: cluster.apiUrl, caData: Buffer.from(cluster.caPem).toString('base64') }],
    users: [{ name: user, exec } as never],
    contexts: [{ name: 'sso', cluster: 'emulator', user }],
    currentContext: 'sso',
  });
  return execKc;
}
const PROM = { namespace: 'monitoring', name: 'prometheus-server', port: '9090', scheme: 'http' } as const;

test('an exec plugin that hands out the token: the query goes through with it', async () => {
  const credential = JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: cluster.token } });
  const client = new PrometheusClient(new ServiceProxyTransport(execKubeConfig('good', 'echo', [credential]), PROM));
  assert.equal((await client.query('vector(1)')).length, 1);
  await client.transport.close();
});

// A plugin waiting for a login that never comes (a browser SSO flow nobody completes).
// sleep outlives the test by a few seconds: client-node gives no handle to kill it.
test('an exec plugin that never answers: the query gives up after its timeout, with a log-in hint', async () => {
  const client = new PrometheusClient(new ServiceProxyTransport(execKubeConfig('hung', 'sleep', ['6']), PROM, { timeoutMs: 400 }));
  const t0 = Date.now();
  await assert.rejects(client.query('up'), (err: unknown) => {
    assert.ok(err instanceof PrometheusError, String(err));
    assert.equal(err.message, 'Could not get credentials for the cluster: the credential plugin gave no answer within 0.4 s.');
    assert.match(err.hint!, /^Log in again/);
    return true;
  });
  assert.ok(Date.now() - t0 < 2000, `gave up after ${Date.now() - t0} ms`);
  await client.transport.close();
});

test('an exec plugin that never answers: cancelling the query ends the wait, not called a failure', async () => {
  const client = new PrometheusClient(new ServiceProxyTransport(execKubeConfig('hung-cancelled', 'sleep', ['6']), PROM, { timeoutMs: 30_000 }));
  const controller = new AbortController();
  const t0 = Date.now();
  setTimeout(() => controller.abort(), 200);
  await assert.rejects(client.query('up', undefined, controller.signal), (err: unknown) => (err as Error).name === 'AbortError');
  assert.ok(Date.now() - t0 < 2000, `cancelled after ${Date.now() - t0} ms`);
  await client.transport.close();
});

test('an exec plugin that fails says why, as a Prometheus error with a log-in hint', async () => {
  const script = "echo 'SSO session expired; run: aws sso login' >&2; exit 1";
  const client = new PrometheusClient(new ServiceProxyTransport(execKubeConfig('expired', 'sh', ['-c', script]), PROM));
  await assert.rejects(client.query('up'), (err: unknown) => {
    assert.ok(err instanceof PrometheusError, String(err));
    assert.equal(err.message, 'Could not get credentials for the cluster: SSO session expired; run: aws sso login.');
    assert.match(err.hint!, /^Log in again/);
    return true;
  });
  await client.transport.close();
});
