// Issue 11 in a real VS Code (code-server, the packaged VSIX): Start Incident, the trend of the
// leaky pod (step 2, its chart drawn), then Write Post-Incident Report. Answered in code-server's
// own save dialog, the report is saved in the workspace with the chart beside it as a PNG and
// opens in a Markdown editor; dismissed, it opens untitled with the chart as a data: URL.
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startCluster, type Cluster } from '../cluster/index.ts';
import { startLocalPrometheus, type LocalPrometheus } from '../integration/localPrometheus.ts';
import { trendHistory, historyPod } from '../integration/trendHistory.ts';
import { openWorkbench, type Workbench } from './harness.ts';

let prom: LocalPrometheus;
let cluster: Cluster;
let wb: Workbench;
let folder: string;
/** The leaky pod's row in the tree as it was when the trend was asked: "200 MiB / 256 MiB · 78%". */
let treeFigures: { workingSet: string; limit: string; percent: string };

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const pod = historyPod;

before(async () => {
  prom = await startLocalPrometheus(trendHistory(Math.floor(Date.now() / 1000)));
  cluster = await startCluster({ prometheus: false, config: { pods: [pod('api-leaky-0', 200, 4), pod('api-steady-0', 120, 0)] } });
  cluster.setServiceTarget('monitoring', 'prometheus-server', 9090, prom.url);
  // a workspace of its own: the report and its chart are written into it
  folder = mkdtempSync(join(tmpdir(), 'kmt-incident-'));
  wb = await openWorkbench({
    folder,
    settings: {
      'memoryTriage.kubeconfig': cluster.kubeconfigPath, 'memoryTriage.namespace': 'default', 'memoryTriage.labelSelector': 'app=api',
      // the tree keeps the figures it showed while the test compares them with the report
      'memoryTriage.metricsInterval': 600,
      // the data: URL line does not wrap over thousands of rows
      '[markdown]': { 'editor.wordWrap': 'off' },
    },
    viewport: { width: 1440, height: 900 },
  });
});
after(async () => {
  await wb?.stop();
  await cluster?.stop();
  await prom?.stop();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

/** The report's parts the active editor must hold, looked up with its find widget. */
async function assertShown(image: string): Promise<void> {
  const { workingSet, limit, percent } = treeFigures;
  for (const part of ['# Post-incident report: memory incident of', ...HEADINGS, '(Start Incident)', `| default/api-leaky-0 | api | ${workingSet} | ${limit} | ${percent} |`, image]) {
    assert.ok(await wb.editorHas(part), `the editor shows "${part}"`);
  }
}

const HEADINGS = ['## Timeline', '## Pods at the start', '## Memory trend', '## Leaking lines', '## Database connections', '## Actions', '## Post-incident checklist'];

function assertReport(text: string, image: RegExp): void {
  assert.match(text, /^# Post-incident report: memory incident of \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/m);
  for (const heading of HEADINGS) assert.ok(text.includes(heading), `${heading} in the report`);
  assert.match(text, /- Started: .* \(Start Incident\)/);
  assert.match(text, /Step 2, memory trend: default \/ api\\?-leaky\\?-0 over 1h: api\\?-leaky\\?-0\/api growing: leak suspected/);
  // the pod's own figures, as the tree showed them
  const { workingSet, limit, percent } = treeFigures;
  assert.ok(text.includes(`| default/api-leaky-0 | api | ${workingSet} | ${limit} | ${percent} |`), `the tree's ${workingSet} / ${limit} · ${percent}% in the pods table`);
  assert.match(text, image);
}

test('Start Incident, the trend of the leaky pod, then the report saved in the workspace with its chart', async () => {
  await wb.openActivityView('Memory Triage');
  await wb.runCommand('Memory Triage: Start Incident');
  const rows = await wb.rowsUntil('the leaky pod with its figures', (rows) => rows.some((r) => r.label === 'api-leaky-0' && /MiB \/ 256 MiB · \d+%/.test(r.description)), 60_000);
  const m = /^(\S+ \S+) \/ (\S+ \S+) · (\d+)%/.exec(rows.find((r) => r.label === 'api-leaky-0')!.description)!;
  treeFigures = { workingSet: m[1]!, limit: m[2]!, percent: m[3]! };
  await wb.page.locator('.part.sidebar .monaco-list-row', { hasText: 'api-leaky-0' }).first().click();
  await wb.runCommand('Memory Triage: Show Memory Trend (Step 2)');
  const panel = wb.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
  await panel.locator('.uplot canvas').waitFor({ timeout: 30_000 });
  await panel.locator('table.trend-table tbody tr', { hasText: 'api-leaky-0' }).waitFor({ timeout: 30_000 });

  await wb.runCommand('Memory Triage: Write Post-Incident Report', true);
  // code-server's simple file dialog: a quick input holding the proposed path
  const dialog = wb.page.locator('.quick-input-widget');
  await dialog.waitFor({ state: 'visible', timeout: 15_000 });
  const input = dialog.locator('input').first();
  await wb.page.waitForFunction(`document.querySelector('.quick-input-widget input')?.value.endsWith('.md')`, undefined, { timeout: 15_000 });
  assert.match(await input.inputValue(), /incident-\d{8}-\d{6}Z\.md$/);
  const reportPath = join(folder, 'post-incident.md');
  await input.fill(reportPath);
  await wb.page.keyboard.press('Enter');
  await dialog.waitFor({ state: 'hidden', timeout: 15_000 });

  await wb.page.locator('.tabs-container .tab', { hasText: 'post-incident.md' }).waitFor({ timeout: 30_000 });
  assertReport(readFileSync(reportPath, 'utf8'), /^!\[Memory trend chart\]\(post-incident-trend\.png\)$/m);
  await assertShown('![Memory trend chart](post-incident-trend.png)');
  const png = join(folder, 'post-incident-trend.png');
  assert.ok(existsSync(png), 'the chart is beside the report');
  const bytes = readFileSync(png);
  assert.ok(bytes.subarray(0, 8).equals(PNG_MAGIC), 'the chart file is a PNG');
  assert.ok(bytes.length > 2000, `a drawn chart, not an empty image (${bytes.length} bytes)`);
  await wb.page.keyboard.press('Control+Home');
  await wb.screenshot('incident-report');
});

test('the save dialog dismissed: the report opens untitled with the chart as a data: URL', async () => {
  await wb.runCommand('Memory Triage: Write Post-Incident Report', true);
  const dialog = wb.page.locator('.quick-input-widget');
  await dialog.waitFor({ state: 'visible', timeout: 15_000 });
  await wb.page.waitForFunction(`document.querySelector('.quick-input-widget input')?.value.endsWith('.md')`, undefined, { timeout: 15_000 });
  await wb.page.keyboard.press('Escape');
  // an untitled editor with content is titled by its first line (else "Untitled-1")
  const tab = wb.page.locator('.tabs-container .tab.active', { hasText: /Untitled|Post-incident report/ });
  await tab.waitFor({ timeout: 30_000 }).catch(async (err) => {
    await wb.screenshot('incident-untitled-failed');
    throw err;
  });
  assert.equal(await wb.page.locator('.tabs-container .tab.active', { hasText: 'post-incident.md' }).count(), 0, 'a new editor, not the saved report');
  await assertShown('![Memory trend chart](data:image/png;base64,iVBORw0KGgo');
});
