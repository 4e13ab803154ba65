// One story from kubectl and Prometheus: the OOM kills in the backfilled history are the live
// pod's restart count and lastState, and the restart counter joins history to live without a reset.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster, type Cluster, type ClusterConfig } from '../cluster/index.ts';

const kubectlPath = '/usr/lib/google-cloud-sdk/bin/kubectl.1.33';
const hasPrometheus = ['/usr/bin/prometheus', '/usr/bin/promtool'].every((p) => existsSync(p));

// api leaks 8 MiB/min from 60 into 256 MiB: a kill every 24.5 min + 1 min back-off, the last one a
// minute before the start, so 60 minutes of history hold kills at -1, -26.5 and -52 min.
const cycleMs = ((256 - 60) / 8) * 60_000;
const deployment = (name: string, leak: number) => ({
  name, namespace: 'default', replicas: 1, labels: { app: name },
  container: { name: 'app', image: `${name}:1`, limits: { memory: '256Mi' }, memory: { startMiB: 60, leakMiBPerMinute: leak }, historyLeakMiBPerMinute: leak },
});
const config: Partial<ClusterConfig> = {
  readyDelayMs: 100,
  prometheus: { enabled: true, backfillMinutes: 60 },
  deployments: [deployment('api', 8), deployment('api-worker', 0)],
};

let cluster: Cluster;
let startedAt: number;
let cacheDir: string;

const podOf = (app: string) => cluster.store.list('pods', 'default').find((p) => p.metadata.labels?.app === app)!;

async function instant(query: string, atMs = Date.now()): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const res = await fetch(`${cluster.prometheusUrl}/api/v1/query?${new URLSearchParams({ query, time: String(atMs / 1000) })}`);
  const body = await res.json() as { status: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
  assert.equal(body.status, 'success', query);
  return body.data.result;
}

function kubectl(...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(kubectlPath, ['--kubeconfig', cluster.kubeconfigPath, '--cache-dir', cacheDir, ...args], { timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`kubectl ${args.join(' ')}: ${stderr}`));
      else resolve(stdout);
    });
  });
}

describe('emulator restart counts from the backfilled history', { skip: !hasPrometheus && 'prometheus/promtool not installed' }, () => {
  before(async () => {
    cacheDir = await mkdtemp(join(tmpdir(), 'kmt-kubectl-cache-'));
    startedAt = Date.now();
    cluster = await startCluster({ config });
  });
  after(async () => {
    await cluster?.stop();
    await rm(cacheDir, { recursive: true, force: true });
  });

  it('seeds restartCount and lastState.terminated from the history', () => {
    const [api] = podOf('api').status.containerStatuses;
    assert.equal(api.restartCount, 3, 'three kills in the hour of history');
    const last = api.lastState.terminated;
    assert.deepEqual([last.reason, last.exitCode, last.signal], ['OOMKilled', 137, 9]);
    const finished = Date.parse(last.finishedAt);
    assert.ok(Math.abs(finished - (startedAt - 60_000)) < 10_000, `last kill ~1 min before start: ${last.finishedAt}`);
    assert.ok(Math.abs(finished - Date.parse(last.startedAt) - cycleMs) < 10_000, `it ran one leak cycle: ${last.startedAt} .. ${last.finishedAt}`);
    assert.ok(Date.parse(api.state.running.startedAt) > finished, 'the running container started after that kill');
    const [worker] = podOf('api-worker').status.containerStatuses;
    assert.equal(worker.restartCount, 0);
    assert.deepEqual(worker.lastState, {});
  });

  it('kube_pod_container_status_restarts_total steps at each kill and joins the live value without a reset', async () => {
    const series = 'kube_pod_container_status_restarts_total{pod=~"api-.*",container="app"}';
    const deadline = Date.now() + 20_000;
    while ((await instant(`timestamp(${series})`)).some((r) => Number(r.value[1]) * 1000 < startedAt)) {
      assert.ok(Date.now() < deadline, 'no live scrape within 20 s');
      await new Promise((r) => setTimeout(r, 500));
    }
    const byPod = async (q: string, atMs?: number) => Object.fromEntries((await instant(q, atMs)).map((r) => [r.metric.pod.replace(/-[a-z0-9]+-[a-z0-9]+$/, ''), Number(r.value[1])]));
    assert.deepEqual(await byPod(series), { api: 3, 'api-worker': 0 }, 'live');
    for (const [minutesAgo, expected] of [[10, 2], [40, 1], [56, 0]]) {
      assert.deepEqual(await byPod(series, startedAt - minutesAgo * 60_000), { api: expected, 'api-worker': 0 }, `${minutesAgo} min before start`);
    }
    assert.deepEqual(await byPod(`resets(${series}[70m])`), { api: 0, 'api-worker': 0 });
    assert.deepEqual(await byPod('kube_pod_container_status_last_terminated_reason{reason="OOMKilled"}'), { api: 1 });
  });

  it('kubectl shows the same restarts and the runbook query finds the OOM kill', { skip: !existsSync(kubectlPath) && 'kubectl 1.33 not installed' }, async () => {
    const pods = await kubectl('get', 'pods', '-l', 'app in (api,api-worker)');
    assert.match(pods, /^api-[a-z0-9]+-[a-z0-9]+\s+1\/1\s+Running\s+3 \((\d+s|\dm\d+s) ago\)\s+\d+s$/m);
    assert.match(pods, /^api-worker-[a-z0-9]+-[a-z0-9]+\s+1\/1\s+Running\s+0\s+\d+s$/m);
    const jsonpath = await kubectl('get', 'pods', '-o', 'jsonpath={range .items[*]}{.metadata.name}{"\\t"}{.status.containerStatuses[0].lastState.terminated.reason}{"\\n"}{end}');
    assert.match(jsonpath, /^api-[a-z0-9]+-[a-z0-9]+\tOOMKilled$/m);
    assert.match(jsonpath, /^api-worker-[a-z0-9]+-[a-z0-9]+\t$/m);
  });
});
