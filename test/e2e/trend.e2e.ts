// Step 2 in a real VS Code (code-server, the packaged VSIX): select the leaky pod in the tree, run
// "Show Memory Trend (Step 2)" from F1, and find the chart and the projected time to the limit in
// the webview. Prometheus is real and reached through the emulator's service proxy after the
// extension discovered it by its labels; its history is written so the projection is ~14 min.
import * as assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startCluster, type Cluster } from '../cluster/index.ts';
import { startLocalPrometheus, type LocalPrometheus } from '../integration/localPrometheus.ts';
import { trendHistory, historyPod } from '../integration/trendHistory.ts';
import { openWorkbench, type Workbench } from './harness.ts';

// The page's globals for code run in the webview by evaluate(): these tests compile without the DOM lib.
interface PageElement {
  style: { color: string };
  textContent: string | null;
  appendChild(e: PageElement): PageElement;
  remove(): void;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): Iterable<PageElement>;
}
interface PageGlobals {
  document: { body: PageElement; createElement(tag: string): PageElement };
  getComputedStyle(e: PageElement): { color: string; borderTopColor: string; borderRightColor: string };
}

let prom: LocalPrometheus;
let cluster: Cluster;
let wb: Workbench;
// what the browser said about the webview's Content-Security-Policy (it must say nothing)
const cspComplaints: string[] = [];

const pod = historyPod;

before(async () => {
  prom = await startLocalPrometheus(trendHistory(Math.floor(Date.now() / 1000)));
  // a Deployment too, so the tree has a workload item to select (Prometheus holds no history for it)
  const web = { name: 'web', namespace: 'default', replicas: 2, labels: { app: 'api' }, container: { name: 'web', image: 'web:1', limits: { memory: '128Mi' }, memory: { startMiB: 40, leakMiBPerMinute: 0 } } };
  cluster = await startCluster({ prometheus: false, config: { pods: [pod('api-leaky-0', 200, 4), pod('api-steady-0', 120, 0)], deployments: [web] } });
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

  // uPlot drew its canvas; every line on it is named in the legend, in its theme colour
  assert.equal(await page.locator('.uplot canvas').count(), 1);
  const legend = await page.locator('.u-legend').evaluate((legendElement) => {
    const { document, getComputedStyle } = globalThis as unknown as PageGlobals;
    const el = legendElement as unknown as PageElement;
    const resolve = (name: string) => {
      const probe = document.body.appendChild(document.createElement('span'));
      probe.style.color = `var(${name})`;
      const colour = getComputedStyle(probe).color;
      probe.remove();
      return colour;
    };
    return {
      rows: [...el.querySelectorAll('tr.u-series')].map((tr) => [tr.querySelector('.u-label')?.textContent ?? '', getComputedStyle(tr.querySelector('.u-marker')!).borderTopColor]),
      theme: Object.fromEntries(['blue', 'red', 'yellow'].map((c) => [c, resolve(`--vscode-charts-${c}`)])),
    };
  });
  const { blue, red, yellow } = legend.theme;
  assert.deepEqual(new Set([blue, red, yellow]).size, 3, JSON.stringify(legend.theme));
  assert.deepEqual(legend.rows.slice(1), [['api-leaky-0', blue], ['limit', red], ['80% of limit', yellow], ['OOM kill (red "OOM")', red]]);
  assert.equal(legend.rows[0]![0], 'Time');
  const source = await page.locator('#source').innerText();
  assert.match(source, /service monitoring\/prometheus-server:9090 via 127\.0\.0\.1/);
  assert.match(source, /^In this window: 1 OOM kill \(red "OOM" lines\)\. Source:/);

  // hovering the chart shows the value in MiB
  const canvas = page.locator('.uplot .u-over');
  const box = (await canvas.boundingBox())!;
  await canvas.hover({ position: { x: box.width * 0.9, y: box.height / 2 } });
  assert.match(await page.locator('.u-legend .u-series').nth(1).innerText(), /\d MiB$/);
  assert.match(await page.locator('.u-legend .u-series').nth(4).innerText(), /1 in window$/);
  // only the time cursor follows the mouse (no unnamed horizontal line), in a theme colour
  assert.equal(await page.locator('.u-cursor-y').count(), 0);
  const cursor = await page.locator('.u-cursor-x').evaluate((cursorElement) => {
    const { document, getComputedStyle } = globalThis as unknown as PageGlobals;
    const el = cursorElement as unknown as PageElement;
    const probe = document.body.appendChild(document.createElement('span'));
    probe.style.color = 'var(--vscode-descriptionForeground)';
    const theme = getComputedStyle(probe).color;
    probe.remove();
    return { drawn: getComputedStyle(el).borderRightColor, theme };
  });
  assert.equal(cursor.drawn, cursor.theme); // not uPlot's own #607D8B

  await wb.screenshot('memory-trend');
  assert.deepEqual(cspComplaints, []);
});

const webview = () => wb.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');

test('each range re-queries at its own step, within the point limit', async () => {
  const page = webview();
  // [range, points, step]: 1 h at 60 s is the runbook's query; the last one puts 1 h back
  for (const [range, points, step] of [['15m', 61, 15], ['6h', 181, 120], ['24h', 289, 300], ['7d', 337, 1800], ['1h', 61, 60]] as const) {
    await page.locator('#ranges button', { hasText: range }).click();
    await page.locator('#ranges button.selected', { hasText: range }).waitFor({ timeout: 15_000 });
    await page.locator('#source', { hasText: `(${points} points at ${step} s)` }).waitFor({ timeout: 15_000 });
    const row = page.locator('table.trend-table tbody tr', { hasText: 'api-leaky-0' });
    if (range === '15m' || range === '1h') assert.match(await row.locator('td.projection').innerText(), /reaches 256 MiB in ~1[45] min/);
    else assert.equal(await row.count(), 1, range);
  }
});

/** The legend's time at a fraction of the chart's width, in epoch minutes ("2026-11-27 10:56pm"). */
async function timeAt(fraction: number): Promise<number> {
  const over = webview().locator('.uplot .u-over');
  const box = (await over.boundingBox())!;
  await over.hover({ position: { x: box.width * fraction, y: box.height / 2 } });
  const text = (await webview().locator('.u-legend .u-series').first().locator('.u-value').innerText()).trim();
  const m = /^(\d+)-(\d+)-(\d+) (\d+):(\d+)(am|pm)$/.exec(text);
  assert.ok(m, text);
  const hour = (Number(m[4]) % 12) + (m[6] === 'pm' ? 12 : 0);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), hour, Number(m[5])) / 60_000;
}

test('dragging across the chart zooms in time; double-click zooms back out', async () => {
  const over = webview().locator('.uplot .u-over');
  const box = (await over.boundingBox())!;
  const before = await timeAt(0.1);
  await wb.page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2);
  await wb.page.mouse.down();
  await wb.page.mouse.move(box.x + box.width * 0.9, box.y + box.height / 2, { steps: 10 });
  await wb.page.mouse.up();
  // 10 % into the second half-hour's first 24 min is ~26 min later than 10 % into the hour
  const zoomed = await timeAt(0.1);
  assert.ok(zoomed - before >= 20 && zoomed - before <= 32, `${before} -> ${zoomed}`);
  // a refresh (the button, or the automatic one) draws new data in the same zoomed window
  const status = webview().locator('#status');
  const loadedAt = await status.getAttribute('data-loaded-at');
  await webview().locator('button#refresh').click();
  for (let i = 0; i < 150 && (await status.getAttribute('data-loaded-at')) === loadedAt; i++) await new Promise((r) => setTimeout(r, 100));
  assert.notEqual(await status.getAttribute('data-loaded-at'), loadedAt, 'the refresh drew new data');
  assert.equal(await timeAt(0.1), zoomed, 'the zoom survived the refresh');
  await over.dblclick({ position: { x: box.width / 2, y: box.height / 2 } });
  assert.equal(await timeAt(0.1), before);
});

test('the open panel follows the selection in the tree: another pod, a workload, back', async () => {
  const treeRow = (text: string) => wb.page.locator('.part.sidebar .monaco-list-row', { hasText: text }).first();
  const page = webview();
  await treeRow('api-steady-0').click();
  await page.locator('h1#title', { hasText: 'default / api-steady-0' }).waitFor({ timeout: 15_000 });
  const row = page.locator('table.trend-table tbody tr', { hasText: 'api-steady-0' });
  await row.waitFor({ timeout: 15_000 });
  assert.match(await row.locator('td.verdict').innerText(), /^steady/);
  assert.equal(await page.locator('table.trend-table tbody tr', { hasText: 'api-leaky-0' }).count(), 0);

  await treeRow('Deployment').click();
  await page.locator('h1#title', { hasText: 'default / Deployment web' }).waitFor({ timeout: 15_000 });
  await page.locator('#status', { hasText: 'Prometheus has no working-set samples' }).waitFor({ timeout: 15_000 });

  await treeRow('api-leaky-0').click();
  await page.locator('table.trend-table tbody tr', { hasText: 'api-leaky-0' }).waitFor({ timeout: 15_000 });
});

test('a 403 on services/proxy, then on listing services: said in the panel with what to do', async () => {
  const page = webview();
  cluster.admin.deny({ verb: 'get', resource: 'services', subresource: 'proxy', namespace: 'monitoring' });
  try {
    await page.locator('#refresh').click();
    const status = page.locator('#status', { hasText: 'Forbidden to reach Prometheus' });
    await status.waitFor({ timeout: 15_000 });
    assert.match(await status.innerText(), /Role in namespace "monitoring" with rule \{apiGroups: \[""\], resources: \["services\/proxy"\], resourceNames: \["prometheus-server"\], verbs: \["get"\]\}/);
    assert.equal(await page.locator('.uplot').count(), 0);
  } finally {
    cluster.admin.allow({ subresource: 'proxy' });
  }
  cluster.admin.deny({ verb: 'list', resource: 'services' });
  try {
    await wb.runCommand('Memory Triage: Select Prometheus');
    // discovery could not look anywhere: said as a refusal, not as "nothing found"
    assert.match(await wb.waitForNotification('you may not list services cluster-wide'), /Set "memoryTriage\.prometheus\.url"/);
    const status = page.locator('#status', { hasText: 'you may not list services cluster-wide' });
    await status.waitFor({ timeout: 15_000 });
    assert.match(await status.innerText(), /Set "memoryTriage\.prometheus\.url".*"memoryTriage\.prometheus\.service"/);
  } finally {
    cluster.admin.allow({ resource: 'services' });
  }
  await page.locator('#refresh').click();
  await page.locator('#status', { hasText: 'Updated' }).waitFor({ timeout: 30_000 });
});
