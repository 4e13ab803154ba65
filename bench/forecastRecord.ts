// Records real working-set series up to an OOM kill, for the forecast's tests and for
// docs/BENCHMARKS.md ("The forecast"). Two python-api pods leak toward a 176 MiB limit in the
// local cluster, scraped by the real Prometheus every 5 s:
//   early: leaks from its start (its own load generator, 10 requests/s)
//   late:  idle for --flat minutes (no load generator), then the same traffic, sent from here
//          to the pod's IP: a leak that begins after a quiet period, with no restart in between.
// Each pod's series (5 s resolution), limit and kill time are written to the output JSON; the
// forecast test replays them at the trend's steps.
//
//   node bench/forecastRecord.ts [--flat 5] [--out test/unit/fixtures/trend-recorded.json]
import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { randomUUID } from 'node:crypto';
import { KubeConfig } from '@kubernetes/client-node';
import { startCluster } from '../test/cluster/index.ts';
import { getJson } from '../src/cluster/apiRequest.ts';
import { PrometheusClient } from '../src/prometheus/client.ts';
import { fetchMemoryTrend } from '../src/prometheus/memoryTrend.ts';
import { UrlTransport } from '../src/prometheus/urlTransport.ts';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
};
const FLAT_MINUTES = Number(arg('flat', '5'));
const OUT = arg('out', 'test/unit/fixtures/trend-recorded.json');
const LEAK_KB = '40';
const RPS = 10;

const container = (rps: number) => ({
  name: 'api', image: 'orders-api:1.8.3', workload: 'python-api', ports: [8080],
  env: { REQUESTS_PER_SECOND: String(rps), LEAK_KB_PER_REQUEST: LEAK_KB, LEAK_CONNECTIONS_EVERY: '0' },
  requests: { memory: '64Mi' }, limits: { memory: '176Mi' },
});
const cluster = await startCluster({
  config: {
    deployments: [
      { name: 'early', labels: { app: 'early' }, replicas: 1, container: container(RPS) },
      { name: 'late', labels: { app: 'late' }, replicas: 1, container: container(0) },
    ],
    prometheus: { enabled: true, backfillMinutes: 2 },
  },
});

interface PodList { items: { metadata: { name: string }; status?: { podIP?: string; containerStatuses?: { restartCount: number; lastState?: { terminated?: { reason?: string; finishedAt?: string } } }[] } }[] }

try {
  const kc = new KubeConfig();
  kc.loadFromFile(cluster.kubeconfigPath);
  const prometheus = new PrometheusClient(new UrlTransport({ url: cluster.prometheusUrl! }));
  const pods = async (app: string) => (await getJson<PodList>(kc, '/api/v1/namespaces/default/pods', { labelSelector: `app=${app}` })).items;
  const firstKill = async (app: string) => {
    for (const p of await pods(app)) {
      const t = p.status?.containerStatuses?.[0]?.lastState?.terminated;
      if (t?.reason === 'OOMKilled' && t.finishedAt) return { pod: p.metadata.name, at: Date.parse(t.finishedAt) / 1000 };
    }
    return undefined;
  };
  const started = Date.now() / 1000;
  console.log(`recording from ${new Date().toISOString()}; late pod idle for ${FLAT_MINUTES} min`);

  // The late pod's traffic starts after the quiet period: the same requests its own load generator sends.
  let leakStart: number | undefined;
  let traffic: NodeJS.Timeout | undefined;
  setTimeout(async () => {
    const ip = (await pods('late'))[0]?.status?.podIP;
    if (!ip) throw new Error('the late pod has no IP');
    leakStart = Date.now() / 1000;
    console.log(`late: traffic starts at ${new Date().toISOString()} to ${ip}`);
    traffic = setInterval(() => {
      const req = request({ host: ip, port: 8080, path: `/orders/${1 + Math.floor(Math.random() * 500)}`, headers: { 'X-Request-Id': randomUUID().replace(/-/g, '') }, timeout: 10_000 });
      req.on('response', (res) => res.resume());
      req.on('error', () => undefined);
      req.end();
    }, 1000 / RPS);
  }, FLAT_MINUTES * 60_000);

  const kills: Record<string, { pod: string; at: number } | undefined> = {};
  for (;;) {
    await new Promise((r) => setTimeout(r, 5000));
    for (const app of ['early', 'late']) kills[app] ??= await firstKill(app);
    if (kills.early && kills.late) break;
    if (Date.now() / 1000 - started > (FLAT_MINUTES + 15) * 60) throw new Error(`no kill after ${FLAT_MINUTES + 15} min: ${JSON.stringify(kills)}`);
  }
  if (traffic) clearInterval(traffic);
  // the last scrape before the kill must be in
  await new Promise((r) => setTimeout(r, 10_000));
  const end = Date.now() / 1000;
  const recorded: Record<string, unknown> = {};
  for (const app of ['early', 'late']) {
    const kill = kills[app]!;
    const trend = await fetchMemoryTrend(prometheus, { scope: { kind: 'pods', namespace: 'default', names: [kill.pod] }, start: started, end, step: 5 });
    const series = trend.workingSet.find((s) => s.container === 'api')!;
    const limit = trend.limits.find((s) => s.container === 'api')?.samples.at(-1)?.[1];
    recorded[app] = {
      pod: kill.pod, limitBytes: limit, killAtSeconds: kill.at, leakStartSeconds: app === 'late' ? leakStart : started,
      // up to the kill: what a person watching the trend would have seen before it
      samples: series.samples.filter(([t]) => t <= kill.at),
    };
    console.log(`${app}: killed at ${new Date(kill.at * 1000).toISOString()}, ${series.samples.length} samples`);
  }
  writeFileSync(OUT, `${JSON.stringify({ recordedAt: new Date().toISOString(), scrapeSeconds: 5, leakKbPerRequest: Number(LEAK_KB), requestsPerSecond: RPS, flatMinutes: FLAT_MINUTES, ...recorded })}\n`);
  console.log(`written ${OUT}`);
} finally {
  await cluster.stop();
  process.exit(0);
}
