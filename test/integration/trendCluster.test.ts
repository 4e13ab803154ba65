import assert from 'node:assert/strict';
import { KubeConfig } from '@kubernetes/client-node';
import { after, before, test } from 'node:test';
import { startCluster, type Cluster } from '../cluster/index.ts';
import { PrometheusClient } from '../../src/prometheus/client.ts';
import { discoverPrometheus } from '../../src/prometheus/discovery.ts';
import { fetchMemoryTrend } from '../../src/prometheus/memoryTrend.ts';
import { rangeChoice, windowEndingAt } from '../../src/prometheus/step.ts';
import { ServiceProxyTransport } from '../../src/prometheus/serviceProxyTransport.ts';
import { UrlTransport } from '../../src/prometheus/urlTransport.ts';
import { summarizeTrend } from '../../src/triage/trendVerdict.ts';

// The whole local cluster: the emulator's own Prometheus (backfilled by promtool, then scraping the
// emulator's cAdvisor/kube-state-metrics endpoint), found by discovery and read through the
// service proxy. Deployment "api" leaks 8 MiB/min into a 256 MiB limit; "api-worker" is flat and
// must not be taken for one of api's pods.

const MiB = 1024 * 1024;
let cluster: Cluster;
let kc: KubeConfig;

const deployment = (name: string, memory: { startMiB: number; leakMiBPerMinute: number }, history: number) => ({
  name,
  namespace: 'default',
  replicas: 1,
  labels: { app: name },
  container: { name: 'app', image: `${name}:1`, limits: { memory: '256Mi' }, memory, historyLeakMiBPerMinute: history },
});

before(async () => {
  cluster = await startCluster({
    config: {
      deployments: [deployment('api', { startMiB: 60, leakMiBPerMinute: 8 }, 8), deployment('api-worker', { startMiB: 100, leakMiBPerMinute: 0 }, 0)],
      prometheus: { enabled: true, backfillMinutes: 60 },
      readyDelayMs: 100,
    },
  });
  assert.ok(cluster.prometheusUrl, 'the emulator started no Prometheus');
  kc = new KubeConfig();
  kc.loadFromFile(cluster.kubeconfigPath);
});
after(async () => {
  await cluster?.stop();
});

test("a Deployment's trend through the discovered service: its pods only, the leak rate, its OOM kills", async () => {
  const [service] = await discoverPrometheus(kc);
  assert.equal(`${service!.namespace}/${service!.name}:${service!.port}`, 'monitoring/prometheus-server:9090');
  const client = new PrometheusClient(new ServiceProxyTransport(kc, service!));
  const window = windowEndingAt(Date.now() / 1000, rangeChoice('1h'));
  const trend = await fetchMemoryTrend(client, { scope: { kind: 'workload', namespace: 'default', workload: 'Deployment', name: 'api' }, ...window });
  await client.transport.close();

  assert.deepEqual([...new Set(trend.workingSet.map((s) => s.pod.replace(/-[a-z0-9]+-[a-z0-9]+$/, '')))], ['api']);
  assert.equal(trend.limits[0]!.samples.at(-1)![1], 256 * MiB);
  const [row] = summarizeTrend(trend, { warningPercent: 80, criticalPercent: 90 });
  // (256 - 60) / 8 = 24.5 min between kills: an hour of history holds two or three. The emulator's
  // backfilled restart counter stays at the pod's current count (0), so they are seen as falls
  // from the limit rather than as restart events.
  const kills = trend.events.filter((e) => e.kind === 'OOMKilled').length + row!.limitDrops;
  assert.ok(kills >= 2 && kills <= 3, `OOM kills in the window: ${kills}`);
  assert.ok(row!.verdict === 'growing' || row!.verdict === 'at-limit', row!.verdictText);
  assert.ok(Math.abs(row!.slopeMiBPerMinute! - 8) < 0.8, `slope ${row!.slopeMiBPerMinute}`);
  assert.ok(row!.secondsToLimit !== undefined && row!.secondsToLimit < 25 * 60);
});

test('the same figures by URL as through the service proxy', async () => {
  const window = windowEndingAt(Date.now() / 1000, rangeChoice('15m'));
  const scope = { kind: 'workload', namespace: 'default', workload: 'Deployment', name: 'api-worker' } as const;
  const byUrl = new PrometheusClient(new UrlTransport({ url: cluster.prometheusUrl! }));
  const byProxy = new PrometheusClient(new ServiceProxyTransport(kc, { namespace: 'monitoring', name: 'prometheus-server', port: '9090', scheme: 'http' }));
  const [a, b] = await Promise.all([fetchMemoryTrend(byUrl, { scope, ...window, compare: ['rss', 'usage'] }), fetchMemoryTrend(byProxy, { scope, ...window })]);
  await Promise.all([byUrl.transport.close(), byProxy.transport.close()]);
  assert.equal(a.workingSet.length, 1);
  assert.deepEqual(a.workingSet, b.workingSet);
  const [row] = summarizeTrend(a, { warningPercent: 80, criticalPercent: 90 });
  assert.equal(row!.verdict, 'steady', row!.verdictText);
  // cAdvisor's usage counts page cache on top of the working set
  assert.deepEqual(a.compare?.map((c) => [c.label, c.series.length]), [['RSS', 1], ['usage', 1]]);
  const usage = a.compare![1]!.series[0]!.samples.at(-1)![1];
  assert.ok(usage >= a.workingSet[0]!.samples.at(-1)![1], 'usage below the working set');
  assert.equal(b.compare, undefined);
});
