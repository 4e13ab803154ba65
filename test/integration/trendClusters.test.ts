import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { PrometheusClient } from '../../src/prometheus/client.ts';
import { fetchMemoryTrend } from '../../src/prometheus/memoryTrend.ts';
import { DEFAULT_METRICS } from '../../src/prometheus/promql.ts';
import { rangeChoice, windowEndingAt } from '../../src/prometheus/step.ts';
import { UrlTransport } from '../../src/prometheus/urlTransport.ts';
import { startLocalPrometheus, type LocalPrometheus } from './localPrometheus.ts';

// One real Prometheus holding two clusters, as a Thanos or Mimir does: a StatefulSet pod db-0 in
// namespace default exists in both. Without a cluster matcher the trend would draw both as one
// line (max of the two); memoryTriage.prometheus.labels keeps each cluster's own.

const MIB = 1024 * 1024;
const now = Math.floor(Date.now() / 1000);
let prom: LocalPrometheus;
let client: PrometheusClient;

function history(): string {
  const lines = ['# TYPE container_memory_working_set_bytes gauge'];
  for (let t = now - 1800; t <= now - 30; t += 15) {
    for (const [cluster, mib] of [['prod', 300], ['staging', 90]] as const) {
      lines.push(`container_memory_working_set_bytes{cluster="${cluster}",namespace="default",pod="db-0",container="postgres"} ${mib * MIB} ${t}`);
    }
  }
  lines.push('# TYPE kube_pod_container_resource_limits gauge');
  for (let t = now - 1800; t <= now - 30; t += 15) {
    for (const [cluster, mib] of [['prod', 512], ['staging', 128]] as const) {
      lines.push(`kube_pod_container_resource_limits{cluster="${cluster}",namespace="default",pod="db-0",container="postgres",resource="memory",unit="byte"} ${mib * MIB} ${t}`);
    }
  }
  return `${lines.join('\n')}\n# EOF\n`;
}

before(async () => {
  prom = await startLocalPrometheus(history());
  client = new PrometheusClient(new UrlTransport({ url: prom.url }));
});
after(async () => {
  await client?.transport.close();
  await prom?.stop();
});

async function newest(labels?: Record<string, string>): Promise<{ workingSet: number; limit: number }> {
  const trend = await fetchMemoryTrend(client, { scope: { kind: 'workload', namespace: 'default', workload: 'StatefulSet', name: 'db', labels }, ...windowEndingAt(now, rangeChoice('1h')), metrics: DEFAULT_METRICS });
  assert.equal(trend.workingSet.length, 1);
  return { workingSet: trend.workingSet[0]!.samples.at(-1)![1] / MIB, limit: trend.limits[0]!.samples.at(-1)![1] / MIB };
}

test('without a cluster label the two clusters fold into one line (what the setting is for)', async () => {
  assert.deepEqual(await newest(), { workingSet: 300, limit: 512 });
});

test('with cluster="staging" the trend is staging\'s own pod and limit', async () => {
  assert.deepEqual(await newest({ cluster: 'staging' }), { workingSet: 90, limit: 128 });
  assert.deepEqual(await newest({ cluster: 'prod' }), { workingSet: 300, limit: 512 });
});
