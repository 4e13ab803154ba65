// One story from kubectl and Prometheus: the OOM kills in the backfilled history are the live
// pod's restart count and lastState, and the restart counter joins history to live without a reset.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rawRequest } from '../cluster/client.ts';
import { startCluster, type Cluster, type ClusterConfig } from '../cluster/index.ts';
import { Kubectl, noKubectl } from './kubectl.ts';

const hasPrometheus = ['/usr/bin/prometheus', '/usr/bin/promtool'].every((p) => existsSync(p));

// api leaks 8 MiB/min from 60 into 256 MiB: a kill every 24.5 min + 1 min back-off, the last one a
// minute before the start, so 60 minutes of history hold kills at -1, -26.5 and -52 min. slow leaks
// 1 MiB/min: its 196 min to the limit do not fit in the hour, so it has no kill. api-worker is flat.
const cycleMs = ((256 - 60) / 8) * 60_000;
const deployment = (name: string, leak: number) => ({
  name, namespace: 'default', replicas: 1, labels: { app: name },
  container: { name: 'app', image: `${name}:1`, limits: { memory: '256Mi' }, memory: { startMiB: 60, leakMiBPerMinute: leak }, historyLeakMiBPerMinute: leak },
});
const config: Partial<ClusterConfig> = {
  readyDelayMs: 100,
  prometheus: { enabled: true, backfillMinutes: 60 },
  deployments: [deployment('api', 8), deployment('api-worker', 0), deployment('slow', 1)],
};

let cluster: Cluster;
let k: Kubectl;
const kubectl = (...args: string[]) => k.ok(...args);
let startedAt: number;

const podOf = (app: string) => cluster.store.list('pods', 'default').find((p) => p.metadata.labels?.app === app)!;

async function instant(query: string, atMs = Date.now()): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const res = await fetch(`${cluster.prometheusUrl}/api/v1/query?${new URLSearchParams({ query, time: String(atMs / 1000) })}`);
  const body = await res.json() as { status: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
  assert.equal(body.status, 'success', query);
  return body.data.result;
}

/** Processes whose parent is this test process (the runtime's, Prometheus, watchdogs), with their command lines. */
function children(): string[] {
  const out: string[] = [];
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) !== process.pid) continue;
      out.push(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').slice(0, 120));
    } catch { /* gone meanwhile */ }
  }
  return out;
}

describe('emulator restart counts from the backfilled history', { skip: !hasPrometheus && 'prometheus/promtool not installed' }, () => {
  before(async () => {
    startedAt = Date.now();
    cluster = await startCluster({ config });
    k = await Kubectl.for(cluster.kubeconfigPath);
  });
  after(async () => {
    await cluster?.stop();
    await k?.dispose();
  });

  it('serves the same restart count from the real Prometheus through the service proxy', async () => {
    const query = encodeURIComponent('kube_pod_container_status_restarts_total{container="app"}');
    const res = await rawRequest(cluster, `/api/v1/namespaces/monitoring/services/prometheus-server:9090/proxy/api/v1/query?query=${query}`);
    assert.equal(res.status, 200, res.body);
    const counts = res.json().data.result.map((r: { metric: { pod: string }; value: [number, string] }) => [r.metric.pod.split('-')[0], r.value[1]]).sort();
    assert.deepEqual(counts, [['api', '0'], ['api', '3'], ['slow', '0']]);
  });

  it('seeds restartCount and lastState.terminated from the history', () => {
    const [api] = podOf('api').status.containerStatuses;
    assert.equal(api.restartCount, 3, 'three kills in the hour of history');
    const last = api.lastState.terminated;
    assert.deepEqual([last.reason, last.exitCode, 'signal' in last], ['OOMKilled', 137, false]);
    const finished = Date.parse(last.finishedAt);
    assert.ok(Math.abs(finished - (startedAt - 60_000)) < 10_000, `last kill ~1 min before start: ${last.finishedAt}`);
    assert.ok(Math.abs(finished - Date.parse(last.startedAt) - cycleMs) < 10_000, `it ran one leak cycle: ${last.startedAt} .. ${last.finishedAt}`);
    assert.ok(Date.parse(api.state.running.startedAt) > finished, 'the running container started after that kill');
    // No kubelet event names an OOM kill: each kill shows as a BackOff and one more start.
    const events = cluster.store.list('events', 'default').filter((e) => e.involvedObject.name === podOf('api').metadata.name);
    assert.ok(!events.some((e) => e.reason === 'OOMKilling'));
    const backOff = events.filter((e) => e.reason === 'BackOff');
    assert.deepEqual(backOff.map((e) => [e.count, e.lastTimestamp]), [[3, last.finishedAt]]);
    const firstKill = startedAt - 60_000 - 2 * (cycleMs + 60_000);
    assert.ok(Math.abs(Date.parse(backOff[0].firstTimestamp) - firstKill) < 30_000, `first kill ~52 min before: ${backOff[0].firstTimestamp}`);
    const started = events.find((e) => e.reason === 'Started')!;
    assert.deepEqual([started.count, started.firstTimestamp], [4, podOf('api').metadata.creationTimestamp], 'the first container and three restarts');
    for (const app of ['api-worker', 'slow']) {
      const [c] = podOf(app).status.containerStatuses;
      assert.deepEqual([c.restartCount, c.lastState], [0, {}], app);
    }
  });

  it('backdates what the history shows to its start', () => {
    for (const app of ['api', 'slow']) {
      const pod = podOf(app);
      const created = Date.parse(pod.metadata.creationTimestamp);
      assert.ok(Math.abs(created - (startedAt - 60 * 60_000)) < 15_000, `${app} created ${pod.metadata.creationTimestamp}`);
      assert.equal(pod.status.startTime, pod.metadata.creationTimestamp);
    }
    const rs = cluster.store.list('replicasets', 'default').find((r) => r.metadata.labels?.app === 'api')!;
    assert.ok(Date.parse(rs.metadata.creationTimestamp) < startedAt - 59 * 60_000);
  });

  it('kube_pod_container_status_restarts_total steps at each kill and joins the live value without a reset', async () => {
    const series = 'kube_pod_container_status_restarts_total{container="app"}';
    const deadline = Date.now() + 20_000;
    while ((await instant(`timestamp(${series})`)).some((r) => Number(r.value[1]) * 1000 < startedAt)) {
      assert.ok(Date.now() < deadline, 'no live scrape within 20 s');
      await new Promise((r) => setTimeout(r, 500));
    }
    const byPod = async (q: string, atMs?: number) => Object.fromEntries((await instant(q, atMs)).map((r) => [r.metric.pod.replace(/-[a-z0-9]+-[a-z0-9]+$/, ''), Number(r.value[1])]));
    assert.deepEqual(await byPod(series), { api: 3, 'api-worker': 0, slow: 0 }, 'live');
    for (const [minutesAgo, expected] of [[10, 2], [40, 1], [56, 0]]) {
      assert.deepEqual(await byPod(series, startedAt - minutesAgo * 60_000), { api: expected, 'api-worker': 0, slow: 0 }, `${minutesAgo} min before start`);
    }
    assert.deepEqual(await byPod(`resets(${series}[70m])`), { api: 0, 'api-worker': 0, slow: 0 });
    assert.deepEqual(await byPod('kube_pod_container_status_last_terminated_reason{reason="OOMKilled"}'), { api: 1 });
  });

  it('kubectl shows the same restarts and the runbook query finds the OOM kill', { skip: noKubectl }, async () => {
    const pods = await kubectl('get', 'pods', '-l', 'app in (api,api-worker)');
    assert.match(pods, /^api-[a-z0-9]+-[a-z0-9]+\s+1\/1\s+Running\s+3 \((\d+s|\dm\d+s) ago\)\s+60m$/m);
    assert.match(pods, /^api-worker-[a-z0-9]+-[a-z0-9]+\s+1\/1\s+Running\s+0\s+60m$/m);
    const jsonpath = await kubectl('get', 'pods', '-o', 'jsonpath={range .items[*]}{.metadata.name}{"\\t"}{.status.containerStatuses[0].lastState.terminated.reason}{"\\n"}{end}');
    assert.match(jsonpath, /^api-[a-z0-9]+-[a-z0-9]+\tOOMKilled$/m);
    assert.match(jsonpath, /^api-worker-[a-z0-9]+-[a-z0-9]+\t$/m);
    const describe = await kubectl('describe', 'pods', '-l', 'app=api');
    assert.match(describe, /^\s+Restart Count:\s+3$/m);
    assert.match(describe, /^\s+Warning\s+BackOff\s+\d+s \(x3 over 5\dm\)\s+kubelet\s+Back-off restarting failed container app in pod api-/m);
    assert.match(describe, /^\s+Normal\s+Started\s+\d+s \(x4 over 60m\)\s+kubelet\s+Started container app$/m);
    assert.doesNotMatch(describe, /OOMKilling/);
    assert.match(describe, /^\s+Normal\s+Scheduled\s+60m\s+default-scheduler/m);
  });

  it('stop() ends Prometheus and every process it started, and removes its temp dir', async () => {
    assert.ok(children().some((c) => c.startsWith('prometheus ') && c.includes(cluster.dir)), children().join('\n'));
    const { dir, prometheusUrl } = cluster;
    await cluster.stop();
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(children(), []);
    assert.equal(existsSync(dir), false, `${dir} removed`);
    await assert.rejects(fetch(`${prometheusUrl}/-/ready`));
  });
});
