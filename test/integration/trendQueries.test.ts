import assert from 'node:assert/strict';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server } from 'node:net';
import { after, before, test } from 'node:test';
import { PrometheusClient } from '../../src/prometheus/client.ts';
import {
  PrometheusApiError, PrometheusResponseError, PrometheusTimeoutError, PrometheusUnreachableError,
} from '../../src/prometheus/errors.ts';
import { fetchMemoryTrend } from '../../src/prometheus/memoryTrend.ts';
import { DEFAULT_METRICS, workingSetQuery } from '../../src/prometheus/promql.ts';
import { rangeChoice, windowEndingAt } from '../../src/prometheus/step.ts';
import { UrlTransport } from '../../src/prometheus/urlTransport.ts';
import { summarizeTrend } from '../../src/triage/trendVerdict.ts';
import { freePort, startLocalPrometheus, type LocalPrometheus } from './localPrometheus.ts';
import {
  DAEMONSET_POD, DEPLOYMENT_POD, JOB_POD, LAST_KILL_MINUTES_AGO, LEAKY_LIMIT, MIB, ODD_POD, trendHistory,
} from './trendHistory.ts';

// The client against a real Prometheus reached by URL; the service-proxy route is in
// trendServiceProxy.test.ts.

const now = Math.floor(Date.now() / 1000);
let prom: LocalPrometheus;
let client: PrometheusClient;

before(async () => {
  prom = await startLocalPrometheus(trendHistory(now));
  client = new PrometheusClient(new UrlTransport({ url: prom.url, timeoutMs: 10_000 }));
});
after(async () => {
  await client?.transport.close();
  await prom?.stop();
});

const hour = () => windowEndingAt(now, rangeChoice('1h'));
const options = { warningPercent: 80, criticalPercent: 90 };

test('the leaky pod over the last hour: 4 MiB/min, one OOM kill, ~14 min to its limit', async () => {
  const w = hour();
  const trend = await fetchMemoryTrend(client, { scope: { kind: 'pods', namespace: 'default', names: ['api-leaky-0'] }, ...w });
  assert.equal(trend.stepSeconds, 60);
  // only the application container: not POD, not the pod cgroup
  assert.deepEqual(trend.workingSet.map((s) => s.container), ['api']);
  assert.ok(trend.workingSet[0]!.samples.length >= 59, String(trend.workingSet[0]!.samples.length));
  assert.deepEqual(trend.limits[0]!.samples.at(-1), [w.end, LEAKY_LIMIT]);
  assert.equal(trend.events.length, 1);
  assert.equal(trend.events[0]!.kind, 'OOMKilled');
  const killedAt = now - LAST_KILL_MINUTES_AGO * 60;
  assert.ok(trend.events[0]!.atSeconds >= killedAt && trend.events[0]!.atSeconds <= killedAt + 60);
  assert.match(trend.source, /^http:\/\/127\.0\.0\.1:\d+: max by/);

  const [row] = summarizeTrend(trend, options);
  assert.equal(row!.verdict, 'growing');
  assert.ok(Math.abs(row!.slopeMiBPerMinute! - 4) < 0.01, String(row!.slopeMiBPerMinute));
  assert.ok(row!.r2! > 0.999);
  // 200 MiB at `now`, the newest sample is 30-45 s older: 56-59 MiB to go at 4 MiB/min
  const minutes = row!.secondsToLimit! / 60;
  assert.ok(minutes > 13.9 && minutes < 14.9, String(minutes));
});

test('three pods in one query, each with its own verdict', async () => {
  const trend = await fetchMemoryTrend(client, { scope: { kind: 'pods', namespace: 'default', names: ['api-leaky-0', 'api-steady-0', 'api-churn-0'] }, ...hour() });
  const rows = summarizeTrend(trend, options);
  assert.deepEqual(
    rows.map((r) => [r.pod, r.verdict]),
    [
      ['api-churn-0', 'sawtooth'],
      ['api-leaky-0', 'growing'],
      ['api-steady-0', 'steady'],
    ],
  );
});

test('label values with quotes, backslashes and dots reach Prometheus escaped', async () => {
  const q = workingSetQuery(DEFAULT_METRICS, { kind: 'pods', namespace: 'default', names: [ODD_POD] });
  const single = await client.query(q, now - 60);
  assert.deepEqual(single.map((s) => [s.labels['pod'], s.value]), [[ODD_POD, 11 * MIB]]);
  // two names make a regex: the "." must not match the twin's "X"
  const regex = workingSetQuery(DEFAULT_METRICS, { kind: 'pods', namespace: 'default', names: [ODD_POD, 'api-steady-0'] });
  const pods = (await client.query(regex, now - 60)).map((s) => s.labels['pod']).sort();
  assert.deepEqual(pods, ['api-steady-0', ODD_POD]);
});

test("a workload's trend holds its own pods, not a Job's or a DaemonSet's named after it", async () => {
  const podsOf = async (workload: 'Deployment' | 'Job' | 'DaemonSet', name: string) => {
    const trend = await fetchMemoryTrend(client, { scope: { kind: 'workload', namespace: 'default', workload, name }, ...hour() });
    return trend.workingSet.map((s) => s.pod);
  };
  assert.deepEqual(await podsOf('Deployment', 'api'), [DEPLOYMENT_POD]);
  assert.deepEqual(await podsOf('Job', 'api-migrate'), [JOB_POD]);
  assert.deepEqual(await podsOf('DaemonSet', 'api-agent'), [DAEMONSET_POD]);
});

test('the series endpoint lists label sets', async () => {
  const sets = await client.series(['kube_pod_container_resource_limits{namespace="default"}'], now - 600, now);
  assert.deepEqual(sets.map((s) => s['pod']).sort(), ['api-churn-0', 'api-leaky-0', 'api-steady-0']);
});

test("Prometheus's own errors come back with their errorType", async () => {
  await assert.rejects(client.query('sum(', now), (err: unknown) => {
    assert.ok(err instanceof PrometheusApiError);
    assert.equal(err.errorType, 'bad_data');
    assert.match(err.message, /parse error/);
    return true;
  });
});

test('a step that would exceed 11,000 points: Prometheus refuses it, fetchMemoryTrend raises it', async () => {
  const start = now - 7 * 86400;
  await assert.rejects(client.queryRange('up', start, now, 1), /11,?000 points/);
  const trend = await fetchMemoryTrend(client, { scope: { kind: 'pods', namespace: 'default', names: ['api-leaky-0'] }, start, end: now, step: 1 });
  assert.equal(trend.stepSeconds, 60);
});

test('a wrong path prefix gives a non-JSON answer, said as such', async () => {
  const wrong = new PrometheusClient(new UrlTransport({ url: prom.url, pathPrefix: '/not-here' }));
  await assert.rejects(wrong.query('up'), (err: unknown) => {
    assert.ok(err instanceof PrometheusResponseError);
    assert.equal(err.status, 404);
    assert.match(err.hint ?? '', /pathPrefix/);
    return true;
  });
  await wrong.transport.close();
});

test('a server that never answers times out; a closed port is unreachable', async () => {
  const silent: Server = createServer(() => {}); // accepts, then says nothing
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  const port = (silent.address() as { port: number }).port;
  const slow = new PrometheusClient(new UrlTransport({ url: `http://127.0.0.1:${port}`, timeoutMs: 300 }));
  const t0 = Date.now();
  await assert.rejects(slow.query('up'), PrometheusTimeoutError);
  assert.ok(Date.now() - t0 < 3000);
  await slow.transport.close();
  silent.close();

  const closed = new PrometheusClient(new UrlTransport({ url: `http://127.0.0.1:${await freePort()}` }));
  await assert.rejects(closed.query('up'), (err: unknown) => err instanceof PrometheusUnreachableError && /ECONNREFUSED/.test(err.message));
  await closed.transport.close();
});

test('cancelling a query aborts it without calling it a failure of Prometheus', async () => {
  const controller = new AbortController();
  const pending = client.queryRange('up', now - 3600, now, 15, controller.signal);
  controller.abort();
  await assert.rejects(pending, (err: unknown) => (err as Error).name === 'AbortError');
});

test('credentials in the URL become basic auth and are never shown', () => {
  const t = new UrlTransport({ url: 'https://alice:s3cret@thanos.example.com/prefix', pathPrefix: 'api/prom' });
  assert.equal(t.where, 'https://thanos.example.com/prefix/api/prom');
  assert.doesNotMatch(t.where, /s3cret/);
});

// A Grafana datasource proxy wants ?orgId= on every request (else it looks in the wrong
// organisation); this one forwards to the real Prometheus only for orgId=2.
test("the configured URL's query parameters go with every query; the API's own win", async () => {
  const prefix = '/api/datasources/proxy/uid/prom';
  const seen: URLSearchParams[] = [];
  const grafana = createHttpServer((req, res) => {
    const url = new URL(req.url!, 'http://grafana');
    seen.push(url.searchParams);
    if (url.searchParams.get('orgId') !== '2' || !url.pathname.startsWith(prefix)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Data source not found');
      return;
    }
    void fetch(`${prom.url}${url.pathname.slice(prefix.length)}${url.search}`).then(async (answer) => {
      res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? '' }).end(Buffer.from(await answer.arrayBuffer()));
    });
  });
  await new Promise<void>((r) => grafana.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(grafana.address() as { port: number }).port}${prefix}`;
  const viaGrafana = new PrometheusClient(new UrlTransport({ url: `${base}?orgId=2&query=stale` }));
  try {
    const [sample] = await viaGrafana.query('vector(7)', now);
    assert.equal(sample!.value, 7);
    assert.deepEqual(seen.at(-1)!.getAll('query'), ['vector(7)']);
    assert.equal(seen.at(-1)!.get('orgId'), '2');
    assert.equal(viaGrafana.where, base);
  } finally {
    await viaGrafana.transport.close();
    grafana.close();
  }
});
