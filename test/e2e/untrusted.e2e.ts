// Issue 11 in a real VS Code with workspace trust on (code-server, the packaged VSIX): a folder
// never trusted opens in restricted mode. The tree still reads the cluster, but no change can be
// made: the pod's context menu and the palette offer no Restart, Raise Limit or Scale Out, and a
// keybinding that runs Restart Workload anyway is refused in code, with the pod left in place.
import * as assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startCluster, type Cluster } from '../cluster/index.ts';
import type { ClusterConfig } from '../cluster/config.ts';
import { openWorkbench, type Workbench } from './harness.ts';
import type { TreeRow } from './workbenchDom.ts';

let cluster: Cluster;
let wb: Workbench;

const config: Partial<ClusterConfig> = {
  readyDelayMs: 200,
  prometheus: { enabled: false, backfillMinutes: 0 },
  deployments: [{ name: 'api', replicas: 1, labels: { app: 'api' }, container: { name: 'api', image: 'api:1', limits: { memory: '192Mi' }, memory: { startMiB: 60 } } }],
};
const CHANGES = ['Restart Workload', 'Raise Memory Limit', 'Scale Out'];
const isPod = (r: TreeRow) => r.level === 2 && /^api-/.test(r.label) && /\d+%/.test(r.description);

before(async () => {
  cluster = await startCluster({ config, prometheus: false });
  wb = await openWorkbench({
    workspaceTrust: true,
    settings: {
      'security.workspace.trust.startupPrompt': 'never',
      'memoryTriage.kubeconfig': cluster.kubeconfigPath, 'memoryTriage.namespace': 'default', 'memoryTriage.labelSelector': 'app=api', 'memoryTriage.metricsInterval': 3,
    },
    keybindings: [{ key: 'ctrl+alt+shift+r', command: 'memoryTriage.restartWorkload' }],
  });
});

after(async () => {
  await wb?.stop();
  await cluster?.stop();
});

test('restricted mode: the tree reads, no change is offered, and a change run anyway is refused', async () => {
  await wb.page.locator('.part.statusbar', { hasText: 'Restricted Mode' }).waitFor({ timeout: 30_000 });
  await wb.openActivityView('Memory Triage');
  const rows = await wb.rowsUntil('the api pod with metrics', (rows) => rows.some(isPod), 90_000);
  const pod = rows.find(isPod)!;

  // the pod's context menu: reading commands, none that changes the cluster
  const row = wb.page.locator('.part.sidebar .monaco-list-row', { hasText: pod.label }).first();
  await row.click({ button: 'right' });
  const menu = wb.page.locator('.monaco-menu');
  await menu.locator('.action-item', { hasText: 'Show Memory Trend' }).first().waitFor({ timeout: 10_000 });
  const items = (await menu.locator('.action-item').allInnerTexts()).map((t) => t.trim()).filter(Boolean);
  for (const change of CHANGES) assert.ok(!items.some((t) => t.startsWith(change)), `"${change}" in the menu: ${items.join(' | ')}`);
  await wb.page.keyboard.press('Escape');

  // the palette: the same commands are not offered
  await wb.page.keyboard.press('F1');
  const input = wb.page.locator('.quick-input-widget input').first();
  await input.fill('>Memory Triage: ');
  await wb.page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Check Pod Memory' }).first().waitFor({ timeout: 10_000 });
  for (const change of CHANGES) {
    await input.fill(`>Memory Triage: ${change}`);
    await wb.page.waitForTimeout(500);
    const offered = await wb.page.locator('.quick-input-widget .monaco-list-row').allInnerTexts();
    assert.ok(!offered.some((t) => t.includes(change)), `the palette offers "${change}": ${offered.join(' | ')}`);
  }
  await wb.page.keyboard.press('Escape');

  // run anyway through a keybinding, on the selected row: refused in code, nothing changed
  await row.click();
  await wb.page.keyboard.press('Control+Alt+Shift+R');
  const refused = await wb.waitForNotification(/not trusted/, 15_000);
  assert.match(refused, /restricted mode.*makes no change to a cluster here/);
  assert.equal(await wb.page.locator('.monaco-dialog-box').count(), 0, 'no confirmation was asked');
  await wb.page.waitForTimeout(700); // the toast's slide-in, for the picture
  await wb.screenshot('restricted-mode-refused');
  await wb.page.waitForTimeout(3000);
  const after = (await wb.treeItems()).filter((r) => r.level === 2 && /^api-/.test(r.label));
  assert.deepEqual(after.map((r) => r.label), [pod.label], 'the same pod, not replaced');
});
