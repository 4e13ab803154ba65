// Option A in a real VS Code (code-server, the packaged VSIX): from the api pod's context menu in
// the tree, Restart Workload opens the diff of the Deployment before and after the server's dry
// run and asks in a modal naming context, server, namespace and object; answered Restart, the
// rollout's progress shows in a notification (kubectl rollout status' lines) until it rolls out,
// and the tree shows a new pod in place of the old one.
import * as assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startCluster, type Cluster } from '../cluster/index.ts';
import type { ClusterConfig } from '../cluster/config.ts';
import { openWorkbench, type Workbench } from './harness.ts';
import type { TreeRow } from './workbenchDom.ts';

let cluster: Cluster;
let wb: Workbench;

// Ready 4 s after start: the rollout (one surge pod, then the old one goes) lasts long enough
// for its notification to be seen and pictured.
const config: Partial<ClusterConfig> = {
  readyDelayMs: 4000,
  prometheus: { enabled: false, backfillMinutes: 0 },
  deployments: [{ name: 'api', replicas: 1, labels: { app: 'api' }, container: { name: 'api', image: 'registry.example.com/shop/orders-api:1.8.3', requests: { memory: '128Mi' }, limits: { memory: '192Mi' }, memory: { startMiB: 120, leakMiBPerMinute: 2 } } }],
};

before(async () => {
  cluster = await startCluster({ config, prometheus: false });
  wb = await openWorkbench({
    settings: { 'memoryTriage.kubeconfig': cluster.kubeconfigPath, 'memoryTriage.namespace': 'default', 'memoryTriage.labelSelector': 'app=api', 'memoryTriage.metricsInterval': 3 },
    viewport: { width: 1600, height: 900 },
  });
});

after(async () => {
  await wb?.stop();
  await cluster?.stop();
});

test('Restart Workload from the pod\'s context menu: diff, modal, rollout progress, a new pod', async () => {
  await wb.openActivityView('Memory Triage');
  const isPod = (r: TreeRow) => r.level === 2 && /^api-/.test(r.label) && /\d+%/.test(r.description);
  const rows = await wb.rowsUntil('the api pod with metrics', (rows) => rows.some(isPod), 90_000);
  const old = rows.find(isPod)!;
  await wb.contextMenu(old.label, 'Restart Workload (Option A)');

  const dialog = wb.page.locator('.monaco-dialog-box');
  await dialog.waitFor({ timeout: 60_000 }).catch(async (err) => {
    await wb.screenshot('restart-workload-failed');
    throw new Error(`no confirmation; notifications: ${(await wb.notifications()).join(' | ')}`, { cause: err });
  });
  const text = (await dialog.innerText()).replace(/\s+/g, ' ');
  assert.match(text, /Restart Deployment default\/api\?/);
  assert.match(text, /Context: emulator/);
  assert.match(text, new RegExp(`Cluster: ${cluster.apiUrl.replace(/[.]/g, '\\.')}`));
  assert.match(text, /Namespace: default/);
  assert.match(text, /Deployment: api/);
  assert.match(text, /kubectl\.kubernetes\.io\/restartedAt = \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/);
  assert.match(text, /Server dry run: accepted/);
  // the diff editor behind the modal: before and the server's dry-run answer
  const tab = wb.page.locator('.tabs-container .tab', { hasText: 'Deployment default/api: before' });
  assert.equal(await tab.count(), 1, 'the diff of the change is open');
  await wb.screenshot('restart-workload-confirm');
  await dialog.locator('.monaco-button', { hasText: /^Restart$/ }).click();

  const progress = await wb.waitForNotification(/Waiting for deployment "api" rollout to finish/, 30_000);
  assert.match(progress, /Rollout of Deployment default\/api/);
  await wb.page.waitForTimeout(700); // the toast's slide-in, for the picture
  await wb.screenshot('restart-workload-rollout');
  await wb.waitForNotification(/Restart Deployment default\/api: rolled out: deployment "api" successfully rolled out/, 60_000);

  const replaced = await wb.rowsUntil('a new api pod in place of the old one', (rows) => {
    const pods = rows.filter((r) => r.level === 2 && /^api-/.test(r.label));
    return pods.length === 1 && pods[0]!.label !== old.label;
  }, 60_000);
  const fresh = replaced.find((r) => r.level === 2 && /^api-/.test(r.label))!;
  const live = cluster.store.list('pods', 'default').filter((p) => p.metadata.labels?.app === 'api' && !p.metadata.deletionTimestamp);
  assert.deepEqual(live.map((p) => p.metadata.name), [fresh.label]);
  assert.ok(live[0]!.metadata.annotations?.['kubectl.kubernetes.io/restartedAt'], 'the new pod carries the restart annotation');
});
