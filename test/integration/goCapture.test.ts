// Runbook step 3 for Go against a real container: the go-api workload (built from its source with
// Debian's Go 1.19 into its image) serves net/http/pprof; captureGo reaches it through the
// client-side port-forward. The page cache line is the top growth site; the lookup table, 24 MiB
// made at start, is big but not growth. A pod without the annotation is found by the probe on the
// default port; a Python pod is not taken for Go.
import assert from 'node:assert/strict';
import { KubeConfig } from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { startCluster, type Cluster, type ClusterConfig } from '../cluster/index.ts';
import { captureGoWith, findGoPprof } from '../../src/heap/go/goCapture.ts';

const main = readFileSync(new URL('../cluster/workloads/go-api/main.go', import.meta.url), 'utf8').split('\n');
const pageLine = main.findIndex((l) => l.includes('page := make([]byte')) + 1;
const tableLine = main.findIndex((l) => l.includes('row := make([]byte, 1<<20)')) + 1;
const go = (name: string, annotations: Record<string, string>, env: Record<string, string>) => ({
  name, labels: { app: name }, annotations,
  container: { name: 'api', image: 'registry.example.com/shop/catalog-api:2.1.0', workload: 'go-api', env, limits: { memory: '512Mi' }, ports: [8080, 6060] },
});
const config: Partial<ClusterConfig> = {
  readyDelayMs: 100,
  pods: [
    go('catalog', { 'pprof.port': '7070' }, { LEAK_KB_PER_REQUEST: '256', REQUESTS_PER_SECOND: '10', PPROF_PORT: '7070' }),
    go('catalog-plain', {}, { LEAK_KB_PER_REQUEST: '0', REQUESTS_PER_SECOND: '0' }),
    { name: 'orders', labels: { app: 'orders' }, container: { name: 'api', image: 'python:slim', workload: 'idle', limits: { memory: '128Mi' }, ports: [8080] } },
  ],
};
const ref = (name: string) => ({ context: 'emulator', namespace: 'default', name });
let cluster: Cluster;
let kc: KubeConfig;

describe('captureGo on a real Go container', { timeout: 600_000 }, () => {
  before(async () => {
    cluster = await startCluster({ config, prometheus: false });
    kc = new KubeConfig();
    kc.loadFromFile(cluster.kubeconfigPath);
    // the first start builds the binary (cached afterwards): minutes on a loaded machine
    const deadline = Date.now() + 480_000;
    const ready = () => cluster.store.list('pods', 'default').every((p) => (p.status as { containerStatuses?: { ready?: boolean }[] })?.containerStatuses?.[0]?.ready);
    while (!ready()) {
      assert.ok(Date.now() < deadline, 'the pods did not get ready');
      await new Promise((r) => setTimeout(r, 500));
    }
  });
  after(async () => {
    await cluster?.stop();
  });

  it('the leaking line is the top growth site, the big lookup table is not growth', async () => {
    const target = await findGoPprof(kc, ref('catalog'), 'api', 6060);
    assert.equal(target?.port, 7070, 'the annotation names the port');
    const steps: string[] = [];
    const r = await captureGoWith(target!.get, ref('catalog'), 'api', { port: 7070, windowSeconds: 10, sampleType: 'inuse_space', onProgress: (m) => steps.push(m) });
    const byGrowth = [...r.sites].sort((a, b) => (b.growthBytes ?? 0) - (a.growthBytes ?? 0));
    const fmt = byGrowth.slice(0, 4).map((s) => `${s.file}:${s.line} ${s.bytes} +${s.growthBytes}`).join(', ');
    assert.equal(r.runtime, 'go');
    assert.equal(r.method.measure, 'growth');
    assert.deepEqual([byGrowth[0].file, byGrowth[0].line, byGrowth[0].functionName], ['example.com/go-api/main.go', pageLine, 'main.renderPage'], fmt);
    // 256 KiB x 10/s over about 10 s: some 25 MiB kept; sampled, so within a factor of two
    assert.ok(byGrowth[0].growthBytes! > 12 * 1048576 && byGrowth[0].growthBytes! < 60 * 1048576, fmt);
    const table = r.sites.find((s) => s.line === tableLine && s.functionName === 'main.buildLookupTable');
    assert.ok(table && table.bytes > 12 * 1048576, `the table is there and big: ${fmt}`);
    assert.ok(Math.abs(table.growthBytes ?? 0) < 2 * 1048576, `and not growing: ${table.growthBytes}`);
    assert.ok(byGrowth.indexOf(table) > 0);
    assert.ok(steps.some((s) => /first heap profile from :7070/.test(s)));
  });

  it('without the annotation the default port is probed; a Python pod is not taken for Go', async () => {
    const plain = await findGoPprof(kc, ref('catalog-plain'), 'api', 6060);
    assert.equal(plain?.port, 6060);
    const t0 = Date.now();
    assert.equal(await findGoPprof(kc, ref('orders'), 'api', 6060), undefined);
    assert.ok(Date.now() - t0 < 10_000, `the probe gave up quickly (${Date.now() - t0} ms)`);
  });
});
