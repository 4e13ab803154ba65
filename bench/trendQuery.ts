// Benchmark (not a test): how long the trend takes to load (the four range queries of
// fetchMemoryTrend plus the verdicts) for a Deployment of N replicas, by URL and through the
// emulator's service proxy, at the 1 h / 24 h / 7 d presets; against the runbook's single curl
// of query_range (container_memory_usage_bytes, 1 h at 60 s) on the same Prometheus.
// Medians of several runs; the emulator backfills 2 h, so longer ranges are mostly empty steps.
//
//   node bench/trendQuery.ts [--runs 9] [--replicas 20]
import { execFile } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { KubeConfig } from '@kubernetes/client-node';
import { startCluster } from '../test/cluster/index.ts';
import { PrometheusClient } from '../src/prometheus/client.ts';
import { fetchMemoryTrend } from '../src/prometheus/memoryTrend.ts';
import { rangeChoice, windowEndingAt, type RangeId } from '../src/prometheus/step.ts';
import { ServiceProxyTransport } from '../src/prometheus/serviceProxyTransport.ts';
import { UrlTransport } from '../src/prometheus/urlTransport.ts';
import { summarizeTrend } from '../src/triage/trendVerdict.ts';

const run = promisify(execFile);
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
};
const RUNS = Number(arg('runs', '9'));
const REPLICAS = Number(arg('replicas', '20'));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const cluster = await startCluster({
  config: {
    deployments: [{ name: 'api', namespace: 'default', replicas: REPLICAS, labels: { app: 'api' }, container: { name: 'api', image: 'api:1', limits: { memory: '256Mi' }, memory: { startMiB: 60, leakMiBPerMinute: 4 }, historyLeakMiBPerMinute: 4 } }],
    prometheus: { enabled: true, backfillMinutes: 120 },
    readyDelayMs: 100,
  },
});
try {
  const kc = new KubeConfig();
  kc.loadFromFile(cluster.kubeconfigPath);
  const clients = {
    url: new PrometheusClient(new UrlTransport({ url: cluster.prometheusUrl! })),
    proxy: new PrometheusClient(new ServiceProxyTransport(kc, { namespace: 'monitoring', name: 'prometheus-server', port: '9090', scheme: 'http' })),
  };
  const scope = { kind: 'workload', namespace: 'default', workload: 'Deployment', name: 'api' } as const;
  console.log(`Deployment of ${REPLICAS} replicas, ${RUNS} runs each, median ms`);
  console.log('range  transport  series  points/series  ms');
  for (const range of ['1h', '24h', '7d'] as RangeId[]) {
    for (const [name, client] of Object.entries(clients)) {
      const times: number[] = [];
      let series = 0;
      let points = 0;
      for (let i = 0; i < RUNS; i++) {
        const t0 = performance.now();
        const trend = await fetchMemoryTrend(client, { scope, ...windowEndingAt(Date.now() / 1000, rangeChoice(range)) });
        summarizeTrend(trend, { warningPercent: 80, criticalPercent: 90 });
        times.push(performance.now() - t0);
        series = trend.workingSet.length;
        points = Math.round((trend.endSeconds - trend.startSeconds) / trend.stepSeconds) + 1;
      }
      console.log(`${range.padEnd(6)} ${name.padEnd(10)} ${String(series).padEnd(7)} ${String(points).padEnd(14)} ${median(times).toFixed(1)}`);
    }
  }
  // the runbook's own query, with curl, for scale
  const curl: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const end = Math.floor(Date.now() / 1000);
    const t0 = performance.now();
    await run('curl', ['-s', '-o', '/dev/null', `${cluster.prometheusUrl}/api/v1/query_range?query=container_memory_usage_bytes%7Bcontainer%3D%27api%27%7D&start=${end - 3600}&end=${end}&step=60`]);
    curl.push(performance.now() - t0);
  }
  console.log(`runbook curl (1 query, 1 h, includes curl's process start): ${median(curl).toFixed(1)} ms`);
  await Promise.all(Object.values(clients).map((c) => c.transport.close()));
} finally {
  await cluster.stop();
}
