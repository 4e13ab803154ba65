// Step 2 in a real VS Code (code-server, the packaged VSIX): select the leaky pod in the tree, run
// "Show Memory Trend (Step 2)" from F1, and find the chart and the projected time to the limit in
// the webview. Prometheus is real and reached through the emulator's service proxy after the
// extension discovered it by its labels; its history is written so the projection is ~14 min.
import * as assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startCluster, type Cluster } from '../cluster/index.ts';
import { startLocalPrometheus, type LocalPrometheus } from '../integration/localPrometheus.ts';
import { trendHistory } from '../integration/trendHistory.ts';
import { openWorkbench, type Workbench } from './harness.ts';

let prom: LocalPrometheus;
let cluster: Cluster;
let wb: Workbench;
// what the browser said about the webview's Content-Security-Policy (it must say nothing)
const cspComplaints: string[] = [];

const pod = (name: string, startMiB: number, leakMiBPerMinute: number) => ({
  name,
  namespace: 'default',
  labels: { app: 'api' },
  container: { name: 'api', image: 'api:1', limits: { memory: '256Mi' }, memory: { startMiB, leakMiBPerMinute } },
});

before(async () => {
  prom = await startLocalPrometheus(trendHistory(Math.floor(Date.now() / 1000)));
  cluster = await startCluster({ prometheus: false, config: { pods: [pod('api-leaky-0', 200, 4), pod('api-steady-0', 120, 0)] } });
  cluster.setServiceTarget('monitoring', 'prometheus-server', 9090, prom.url);
  wb = await openWorkbench({
    settings: { 'memoryTriage.kubeconfig': cluster.kubeconfigPath, 'memoryTriage.namespace': 'default', 'memoryTriage.labelSelector': 'app=api' },
    viewport: { width: 1440, height: 900 },
  });
  wb.page.on('console', (m) => /Content.Security.Policy|Refused to/i.test(m.text()) && cspComplaints.push(m.text()));
});
after(async () => {
  await wb?.stop();
  await cluster?.stop();
  await prom?.stop();
});

test('the trend of the leaky pod: chart, limit line, OOM marker and "reaches 256 MiB in ~14 min"', async () => {
  await wb.openActivityView('Memory Triage');
  const row = wb.page.locator('.part.sidebar .monaco-list-row', { hasText: 'api-leaky-0' }).first();
  await row.waitFor({ timeout: 30_000 });
  await row.click();
  await wb.runCommand('Memory Triage: Show Memory Trend (Step 2)');

  // the webview is an iframe holding the page's own iframe
  const page = wb.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
  const table = page.locator('table.trend-table');
  await table.waitFor({ timeout: 30_000 });
  const leakyRow = table.locator('tbody tr', { hasText: 'api-leaky-0' });
  const projection = (await leakyRow.locator('td.projection').innerText()).trim();
  assert.match(projection, /^reaches 256 MiB in ~1[45] min$/);
  assert.match(await leakyRow.locator('td.verdict').innerText(), /^growing: leak suspected \(\+4\.0 MiB\/min, OOMKilled 1× in this window\)$/);
  assert.equal(await page.locator('h1#title').innerText(), 'default / api-leaky-0');

  // uPlot drew its canvas, with the pod's line, the limit and the 80 % threshold in the legend
  assert.equal(await page.locator('.uplot canvas').count(), 1);
  const legend = (await page.locator('.u-legend').innerText()).replace(/\s+/g, ' ');
  assert.match(legend, /api-leaky-0/);
  assert.match(legend, /limit/);
  assert.match(legend, /80% of limit/);
  const source = await page.locator('#source').innerText();
  assert.match(source, /service monitoring\/prometheus-server:9090 via 127\.0\.0\.1/);
  assert.match(source, /^In this window: 1 OOM kill \(red "OOM" lines\)\. Source:/);

  // hovering the chart shows the value in MiB
  const canvas = page.locator('.uplot .u-over');
  const box = (await canvas.boundingBox())!;
  await canvas.hover({ position: { x: box.width * 0.9, y: box.height / 2 } });
  assert.match(await page.locator('.u-legend .u-series').nth(1).innerText(), /MiB/);

  await wb.screenshot('memory-trend');
  assert.deepEqual(cspComplaints, []);
});

test('another range re-queries and keeps the projection', async () => {
  const page = wb.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
  await page.locator('#ranges button', { hasText: '15m' }).click();
  await page.locator('#ranges button.selected', { hasText: '15m' }).waitFor({ timeout: 15_000 });
  await page.locator('#status', { hasText: 'Updated' }).waitFor({ timeout: 15_000 });
  const projection = await page.locator('table.trend-table tbody tr', { hasText: 'api-leaky-0' }).locator('td.projection').innerText();
  assert.match(projection, /reaches 256 MiB in ~1[45] min/);
});
