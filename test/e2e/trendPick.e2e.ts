// Two Prometheus-like services in the cluster (the Helm chart's server and a Thanos querier):
// the first trend asks which one (Escape leaves it unasked until Refresh), the answer is remembered
// for the context, and "Select Prometheus" asks again, unless a setting decides. Both services
// proxy to one real Prometheus; the trend's source line says which service was used.
import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startCluster, type Cluster } from '../cluster/index.ts';
import { startLocalPrometheus, type LocalPrometheus } from '../integration/localPrometheus.ts';
import { trendHistory } from '../integration/trendHistory.ts';
import { openWorkbench, type Workbench } from './harness.ts';

let prom: LocalPrometheus;
let cluster: Cluster;
let wb: Workbench;

before(async () => {
  prom = await startLocalPrometheus(trendHistory(Math.floor(Date.now() / 1000)));
  cluster = await startCluster({
    prometheus: false,
    config: {
      namespaces: ['default', 'observability'],
      pods: [{ name: 'api-leaky-0', namespace: 'default', labels: { app: 'api' }, container: { name: 'api', image: 'api:1', limits: { memory: '256Mi' }, memory: { startMiB: 200, leakMiBPerMinute: 4 } } }],
      services: [{ name: 'thanos-query', namespace: 'observability', labels: { 'app.kubernetes.io/name': 'thanos-query' }, ports: [{ name: 'http', port: 10902 }] }],
    },
  });
  cluster.setServiceTarget('monitoring', 'prometheus-server', 9090, prom.url);
  cluster.setServiceTarget('observability', 'thanos-query', 10902, prom.url);
  wb = await openWorkbench({ settings: { 'memoryTriage.kubeconfig': cluster.kubeconfigPath, 'memoryTriage.namespace': 'default', 'memoryTriage.labelSelector': 'app=api' } });
});
after(async () => {
  await wb?.stop();
  await cluster?.stop();
  await prom?.stop();
});

const webview = () => wb.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
const quickPick = () => wb.page.locator('.quick-input-widget').filter({ visible: true });

async function sourceLine(service: string): Promise<string> {
  const source = webview().locator('#source', { hasText: service });
  await source.waitFor({ timeout: 30_000 });
  return source.innerText();
}

test('several services: the user picks one, and it is remembered for the context', async () => {
  await wb.openActivityView('Memory Triage');
  const row = wb.page.locator('.part.sidebar .monaco-list-row', { hasText: 'api-leaky-0' }).first();
  await row.waitFor({ timeout: 30_000 });
  await row.click();
  await wb.runCommand('Memory Triage: Show Memory Trend (Step 2)', true);

  // Escape: the panel says so and waits for the user; Refresh asks again
  await quickPick().waitFor({ timeout: 15_000 });
  await wb.page.keyboard.press('Escape');
  const status = webview().locator('#status', { hasText: 'No Prometheus service was chosen.' });
  await status.waitFor({ timeout: 15_000 });
  assert.match(await status.innerText(), /Select Prometheus.*Refresh to try again\.$/);
  assert.equal(await quickPick().count(), 0);
  await webview().locator('#refresh').click();

  await quickPick().waitFor({ timeout: 15_000 });
  // each row: the service, then (as the detail) the label selector that found it
  const texts = (await quickPick().locator('.monaco-list-row .label-name').allInnerTexts()).map((s) => s.trim());
  assert.deepEqual(texts.filter((t) => !t.includes('=')), ['monitoring/prometheus-server', 'observability/thanos-query']);
  assert.ok(texts.includes('app.kubernetes.io/name=prometheus,app.kubernetes.io/component=server'), texts.join(' | '));
  await quickPick().locator('.monaco-list-row', { hasText: 'thanos-query' }).click();
  assert.match(await sourceLine('thanos-query'), /service observability\/thanos-query:10902/);

  // again: no question, the same service
  await webview().locator('#refresh').click();
  await webview().locator('#status', { hasText: 'Updated' }).waitFor({ timeout: 15_000 });
  assert.equal(await quickPick().count(), 0);
  assert.match(await sourceLine('thanos-query'), /thanos-query/);
});

test('"Select Prometheus" asks again and the open trend follows the new choice', async () => {
  await wb.runCommand('Memory Triage: Select Prometheus', true);
  await quickPick().waitFor({ timeout: 15_000 });
  await quickPick().locator('.monaco-list-row', { hasText: 'prometheus-server' }).click();
  assert.match(await sourceLine('prometheus-server'), /service monitoring\/prometheus-server:9090/);
});

test('after a window reload the panel comes back: same pod, same range, same service', async () => {
  await webview().locator('#ranges button', { hasText: '6h' }).click();
  await webview().locator('#ranges button.selected', { hasText: '6h' }).waitFor({ timeout: 15_000 });
  await webview().locator('#status', { hasText: 'Updated' }).waitFor({ timeout: 15_000 });
  // VS Code's own reload: it writes the workbench state (open editors) before the page goes
  await wb.runCommand('Developer: Reload Window');
  await wb.page.locator('.monaco-workbench').waitFor({ timeout: 30_000 });
  // VS Code restores the tab; the extension's serializer loads it again
  await webview().locator('h1#title', { hasText: 'default / api-leaky-0' }).waitFor({ timeout: 30_000 });
  await webview().locator('#ranges button.selected', { hasText: '6h' }).waitFor({ timeout: 15_000 });
  await webview().locator('#status', { hasText: 'Updated' }).waitFor({ timeout: 30_000 });
  assert.match(await sourceLine('prometheus-server'), /service monitoring\/prometheus-server:9090/);
  assert.equal(await webview().locator('.uplot').count(), 1, 'the chart is drawn again');
  await wb.screenshot('trend-restored');
});

test('"Select Prometheus" with memoryTriage.prometheus.service set: says the setting wins and opens it', async () => {
  // as if edited in settings.json: VS Code reads the file again when it changes
  const files = ['User', 'Machine'].map((scope) => join(wb.server.userDataDir, scope, 'settings.json'));
  for (const file of files) writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), 'memoryTriage.prometheus.service': 'observability/thanos-query:10902' }, null, 2));
  // the file watcher takes a moment: Refresh until the trend comes through the configured service
  const configured = webview().locator('#source', { hasText: 'thanos-query' });
  for (let tries = 0; !(await configured.isVisible()); tries++) {
    assert.ok(tries < 15, 'the service setting never reached the trend');
    await webview().locator('#refresh').click();
    await configured.waitFor({ timeout: 2_000 }).catch(() => undefined);
  }

  await wb.runCommand('Memory Triage: Select Prometheus');
  const message = await wb.waitForNotification('is set, so the trend uses it');
  assert.match(message, /"memoryTriage\.prometheus\.service" is set, so the trend uses it and no service is picked/);
  assert.equal(await quickPick().count(), 0, 'no pick offered');
  await wb.page.locator('.notifications-toasts .monaco-button', { hasText: 'Open Setting' }).first().click();
  const setting = wb.page.locator('.settings-editor .setting-item-contents', { hasText: 'Prometheus: Service' });
  await setting.waitFor({ timeout: 15_000 });
  assert.equal(await wb.page.locator('.settings-editor .setting-item-contents').count(), 1, 'the settings editor shows that one setting');
});
