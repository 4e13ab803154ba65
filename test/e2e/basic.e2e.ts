// The packaged VSIX in code-server: the activity-bar icon opens the view, a command runs from
// the F1 palette, and the extension's output channel carries its activation line.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { openWorkbench, ROOT, type Workbench } from './harness.ts';

const { version } = JSON.parse(readFileSync(`${ROOT}/package.json`, 'utf8')) as { version: string };
let wb: Workbench;

before(async () => {
  // A kubeconfig that does not exist: the view must still open and say what to do.
  wb = await openWorkbench({ settings: { 'memoryTriage.kubeconfig': '/nonexistent/kubeconfig' } });
});
after(async () => {
  await wb?.stop();
});

test('the Memory Triage icon opens the view, whose row names the missing kubeconfig', async () => {
  await wb.openActivityView('Memory Triage');
  const header = await wb.page.locator('.part.sidebar .pane-header').allInnerTexts();
  assert.ok(header.some((h) => /pods/i.test(h)), `no Pods view in the side bar: ${header.join(' | ')}`);
  // Until the extension has activated VS Code shows the generic welcome; then the tree's message
  // row takes its place. Wait for the settled state: the row that names the missing file.
  const deadline = Date.now() + 20_000;
  let seen = '';
  for (;;) {
    const rows = await wb.treeItems();
    seen = rows.map((r) => `${r.label} ${r.description}`).join(' | ');
    if (/kubeconfig|nonexistent/i.test(seen)) break;
    assert.ok(Date.now() < deadline, `no row names the missing kubeconfig: ${seen || '(no rows)'}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  assert.match(seen, /nonexistent|not found|no kubeconfig/i, seen);
  await wb.screenshot('memory-triage-view');
});

test('Memory Triage: Show Log runs from F1 and the channel shows the activation line', async () => {
  await wb.runCommand('Memory Triage: Show Log');
  await wb.page.locator('.part.panel .monaco-editor .view-lines').first().waitFor({ timeout: 10_000 });
  const text = await wb.outputChannelText('Memory Triage');
  assert.match(text, new RegExp(`Kube Memory Triage ${version.replace(/\./g, '\\.')} activated`));
});

test('Memory Triage: Select Cluster Context says what is wrong with a missing kubeconfig', async () => {
  await wb.runCommand('Memory Triage: Select Cluster Context');
  const message = await wb.waitForNotification(/kubeconfig/i);
  assert.match(message, /nonexistent|not found|no such|does not exist|cannot/i, message);
  await wb.screenshot('select-context-missing-kubeconfig');
});

test('the walkthrough lists the triage steps, and its buttons run the commands', async () => {
  await wb.runCommand('Welcome: Open Walkthrough...', true);
  const pick = wb.page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Triage a memory incident' }).first();
  await pick.waitFor({ timeout: 15_000 });
  await pick.click();
  const page = wb.page.locator('.gettingStartedContainer');
  await page.locator('.getting-started-step', { hasText: 'Step 1: memory usage and OOMKilled' }).waitFor({ timeout: 15_000 });
  const titles = (await page.locator('.getting-started-step .step-title').allInnerTexts()).map((t) => t.trim());
  assert.deepEqual(titles, ['Choose the cluster and the pods', 'Start the incident', 'Step 1: memory usage and OOMKilled', 'Step 2: the memory trend', 'Step 3: the leaking lines', 'Step 4: database connections', 'Resolve', 'Verify the recovery', 'Post-incident: the report']);
  // another view in the side bar first, so the button has something to change
  await wb.page.keyboard.press('Control+Shift+E');
  await wb.page.locator('.part.sidebar .composite.title .title-label', { hasText: /Explorer/i }).waitFor({ timeout: 15_000 });
  await page.locator('.getting-started-step', { hasText: 'Step 1: memory usage and OOMKilled' }).click();
  await page.locator('.getting-started-step.expanded a, .getting-started-step.expanded button', { hasText: 'Open the Pods View' }).first().click();
  await wb.page.locator('.part.sidebar .composite.title .title-label', { hasText: /Memory Triage/i }).waitFor({ timeout: 15_000 });
  await wb.screenshot('walkthrough');
});
