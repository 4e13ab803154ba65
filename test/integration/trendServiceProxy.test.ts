import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { startCluster, type Cluster } from '../cluster/index.ts';
import { PrometheusClient } from '../../src/prometheus/client.ts';
import { discoverPrometheus } from '../../src/prometheus/discovery.ts';
import { PrometheusError, ServiceProxyForbiddenError } from '../../src/prometheus/errors.ts';
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

test('without the right to list services, discovery tries the usual namespaces and finds nothing', async () => {
  // (the emulator's denials cannot single out the cluster-wide list, so every list is refused)
  cluster.admin.deny({ verb: 'list', resource: 'services' });
  try {
    assert.deepEqual(await discoverPrometheus(kc), []);
  } finally {
    cluster.admin.allow({ resource: 'services' });
  }
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

test('a service that does not exist, and an expired token, are said as such', async () => {
  const missing = new PrometheusClient(new ServiceProxyTransport(kc, { namespace: 'monitoring', name: 'nope', port: '9090', scheme: 'http' }));
  await assert.rejects(missing.query('up'), (err: unknown) => err instanceof PrometheusError && /was not found|cannot reach/i.test(err.message));
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
