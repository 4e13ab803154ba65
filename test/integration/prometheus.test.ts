// The emulator's metrics text checked by promtool, and a real Prometheus with backfilled history
// plus live scrapes answering the range queries the extension makes.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderMetrics, startPrometheus } from '../cluster/prometheus/index.ts';
import type { MetricsPod, RunningPrometheus } from '../cluster/prometheus/index.ts';

const MiB = 1024 * 1024;

function pods(leakyWorkingSet: number, steadyWorkingSet = 70 * MiB): MetricsPod[] {
  const api = (name: string, uid: string, ws: number, extra: Partial<MetricsPod['containers'][0]>) => ({
    namespace: 'default', pod: name, uid, node: 'emulator-node',
    containers: [{ name: 'api', image: 'registry.local/orders-api:1.4.2', workingSetBytes: ws, rssBytes: ws - 8 * MiB, usageBytes: ws + MiB,
      limitBytes: 128 * MiB, requestBytes: 96 * MiB, restarts: 0, ...extra }],
  });
  return [
    api('api-7c9d-leaky', 'a1b2c3d4-0000-4000-8000-000000000001', leakyWorkingSet, { restarts: 4, lastTerminatedReason: 'OOMKilled', leakPerMinuteBytes: 24 * MiB }),
    api('api-7c9d-steady', 'a1b2c3d4-0000-4000-8000-000000000002', steadyWorkingSet, {}),
  ];
}

/** promtool reads the exposition on stdin; its exit code and output are the verdict. */
function promtoolCheck(text: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('promtool', ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject).on('close', (code) => resolve({ code: code ?? -1, output }));
    child.stdin.end(text);
  });
}

async function query(url: string, path: string, params: Record<string, string | number>) {
  const res = await fetch(`${url}${path}?${new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]))}`);
  const body = await res.json() as { status: string; data: { result: { metric: Record<string, string>; values?: [number, string][]; value?: [number, string] }[] } };
  assert.equal(body.status, 'success');
  return body.data.result;
}

describe('metrics exposition', () => {
  it('is valid Prometheus text with the cAdvisor and kube-state-metrics families', async () => {
    const odd = pods(90 * MiB);
    odd[1].containers[0].image = 'registry.local/odd"image\\with\nnewline';
    const text = renderMetrics(odd, Date.now());
    const check = await promtoolCheck(text);
    assert.equal(check.code, 0, check.output);
    assert.equal(check.output.trim(), '', 'no lint findings');
    for (const family of ['container_memory_working_set_bytes', 'container_memory_usage_bytes', 'container_memory_rss',
      'kube_pod_container_resource_limits', 'kube_pod_container_resource_requests', 'kube_pod_container_status_restarts_total',
      'kube_pod_container_status_last_terminated_reason']) {
      assert.match(text, new RegExp(`^# TYPE ${family} (gauge|counter)$`, 'm'));
    }
    assert.match(text, /^container_memory_working_set_bytes\{container="",id="\/kubepods\/burstable\/poda1b2c3d4-0000-4000-8000-000000000001",image="",name="",namespace="default",pod="api-7c9d-leaky"\} 94371840 \d{13}$/m);
    assert.match(text, /image="registry.local\/odd\\"image\\\\with\\nnewline"/);
    assert.match(text, /^kube_pod_container_resource_limits\{namespace="default",pod="api-7c9d-leaky",uid="[^"]+",container="api",node="emulator-node",resource="memory",unit="byte"\} 134217728$/m);
    assert.match(text, /^kube_pod_container_status_last_terminated_reason\{namespace="default",pod="api-7c9d-leaky",uid="[^"]+",container="api",reason="OOMKilled"\} 1$/m);
    assert.match(text, /^kube_pod_container_status_restarts_total\{namespace="default",pod="api-7c9d-steady",uid="[^"]+",container="api"\} 0$/m);
  });
});

describe('prometheus with backfilled history and live scrapes', () => {
  let dir: string;
  let server: Server;
  let prom: RunningPrometheus;
  let steadyLive = 70 * MiB;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kmt-prom-test-'));
    server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(renderMetrics(pods(90 * MiB, steadyLive))));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const metricsUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}/metrics`;
    prom = await startPrometheus({ metricsUrl, dataDir: join(dir, 'prometheus'), backfill: { pods: pods(90 * MiB, 70 * MiB), minutes: 120 } });
  });
  after(async () => {
    await prom?.stop();
    await new Promise((r) => server.close(r));
    await rm(dir, { recursive: true, force: true });
  });

  it('returns the backfilled history joined to live scraped samples in one query_range', async () => {
    steadyLive = 70 * MiB + 4096 * 7; // only a live scrape can report this value
    const end = Date.now() / 1000 + 30;
    const range = { start: end - 2 * 3600, end, step: 15 };
    let steady: [number, string][] = [];
    for (let i = 0; i < 60; i++) {
      const r = await query(prom.url, '/api/v1/query_range', { query: 'container_memory_working_set_bytes{pod="api-7c9d-steady",container="api"}', ...range });
      assert.equal(r.length, 1, 'one series: history and live scrapes share their labels');
      steady = r[0].values!;
      if (Number(steady.at(-1)![1]) === steadyLive) break;
      await new Promise((res) => setTimeout(res, 500));
    }
    assert.equal(Number(steady.at(-1)![1]), steadyLive, 'the live sample ends the range');
    assert.ok(steady[0][0] < end - 110 * 60, `history starts ~2h back (first ${Math.round(end - steady[0][0])} s ago)`);
    const flat = steady.slice(0, -10).map(([, v]) => Number(v));
    assert.ok(Math.max(...flat) - Math.min(...flat) < 3 * MiB, 'the healthy pod is flat');
    // The leaking pod: a sawtooth that rises at the leak rate and drops after each OOM kill.
    const leaky = await query(prom.url, '/api/v1/query_range', { query: 'max by (pod) (container_memory_working_set_bytes{pod="api-7c9d-leaky",container!=""})', ...range });
    const values = leaky[0].values!.map(([, v]) => Number(v));
    const drops = values.filter((v, i) => i > 0 && v < values[i - 1] - 10 * MiB).length;
    assert.ok(drops >= 10, `restarts visible as drops (${drops})`);
    assert.ok(Math.max(...values) <= 128 * MiB);
    const rises = values.filter((v, i) => i > 0 && v > values[i - 1]).length;
    assert.ok(rises > values.length / 2, 'mostly rising between the kills');
  });

  it('has restart and OOM history from kube-state-metrics, and the limit', async () => {
    const now = Date.now() / 1000;
    const restarts = await query(prom.url, '/api/v1/query', { query: 'increase(kube_pod_container_status_restarts_total{pod="api-7c9d-leaky"}[2h])', time: now });
    assert.ok(Number(restarts[0].value![1]) >= 3, `restarts increased (${restarts[0].value![1]})`);
    const reason = await query(prom.url, '/api/v1/query_range', { query: 'kube_pod_container_status_last_terminated_reason{reason="OOMKilled"}', start: now - 3600, end: now, step: 60 });
    assert.deepEqual(reason.map((r) => r.metric.pod), ['api-7c9d-leaky']);
    const limit = await query(prom.url, '/api/v1/query', { query: 'kube_pod_container_resource_limits{resource="memory",pod="api-7c9d-steady"}', time: now });
    assert.equal(Number(limit[0].value![1]), 128 * MiB);
    assert.equal(limit[0].metric.job, 'kube-state-metrics');
  });

  it('stop() leaves no process behind', async () => {
    const url = prom.url;
    await prom.stop();
    await assert.rejects(fetch(`${url}/-/ready`));
  });
});
