// Step 3 for Node.js in a real VS Code (code-server, the packaged VSIX) on a real node process: the
// sessions api keeps every response in a Map. From its row's context menu, "Capture Heap Snapshot
// (Node)" asks first with the pod's headroom, then takes two heap snapshots (SIGUSR1 from an
// ephemeral debug container: node:slim has no kill) with a sampling profile between them; the
// table's first own row is renderSession in server.js, the constructors below it start with the
// strings that grew, and a click opens server.js at that line.
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Cluster } from '../cluster/index.ts';
import type { ClusterConfig } from '../cluster/config.ts';
import type { Workbench } from './harness.ts';
import { lineWhere, openOnWorkloads, WORKLOADS } from './workloadWorld.ts';

const SERVER = join(WORKLOADS, 'node-api', 'server.js');

let cluster: Cluster;
let wb: Workbench;

const config: Partial<ClusterConfig> = {
  readyDelayMs: 200,
  prometheus: { enabled: false, backfillMinutes: 0 },
  deployments: [{
    name: 'sessions', namespace: 'default', replicas: 1, labels: { app: 'sessions' },
    container: { name: 'api', image: 'node:slim', workload: 'node-api', env: { REQUESTS_PER_SECOND: '20', LEAK_KB_PER_REQUEST: '16' }, limits: { memory: '512Mi' }, ports: [8080] },
  }],
};

/** The function whose payloads the Map keeps. */
const leakLine = () => lineWhere(SERVER, (l) => l.startsWith('function renderSession('), 'renderSession is in server.js');

before(async () => {
  ({ cluster, wb } = await openOnWorkloads(config, 'app=sessions'));
});

after(async () => {
  await wb?.stop();
  await cluster?.stop();
});

test('Capture Heap Snapshot (Node) from the pod row: the growth table, and its first row opens server.js at the leak', async () => {
  const line = leakLine();
  await wb.openActivityView('Memory Triage');
  const rows = await wb.rowsUntil('the sessions pod with its memory', (rows) => rows.some((r) => r.level === 2 && /^sessions-/.test(r.label) && /%/.test(r.description)), 90_000);
  const pod = rows.find((r) => r.level === 2 && /^sessions-/.test(r.label))!;
  await wb.contextMenu(pod.label, 'Capture Heap Snapshot (Node)');
  // the modal names the cost with the pod's headroom (after the container's processes are read)
  const dialog = wb.page.locator('.monaco-dialog-box');
  await dialog.waitFor({ timeout: 30_000 }).catch(async (err) => {
    await wb.screenshot('heap-snapshot-failed');
    throw new Error(`no cost modal; notifications: ${(await wb.notifications()).join(' | ')}`, { cause: err });
  });
  assert.match((await dialog.innerText()).replace(/\s+/g, ' '), /headroom below the limit of 512 MiB is \d+(\.\d)? MiB/);
  await wb.screenshot('heap-snapshot-cost');
  await dialog.locator('.monaco-button', { hasText: 'Take Heap Snapshots' }).click();

  const page = wb.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
  const first = page.locator('#allocations tr.site:not(.library)').first();
  await first.waitFor({ timeout: 150_000 }).catch(async (err) => {
    await wb.screenshot('heap-snapshot-failed');
    throw err;
  });
  assert.equal((await first.locator('button.site-open').innerText()).trim(), `node-api/server.js:${line}`);
  const constructors = page.locator('.alloc-groups');
  assert.match((await constructors.innerText()).replace(/\s+/g, ' '), /\(string\)/);
  assert.match((await page.locator('#allocations').innerText()).replace(/\s+/g, ' '), /two V8 heap snapshots 10 s apart/);
  await wb.page.mouse.move(900, 880);
  await wb.screenshot('heap-snapshot-growth');

  await first.locator('button.site-open').click();
  const tab = wb.page.locator('.tabs-container .tab.active', { hasText: 'server.js' });
  await tab.first().waitFor({ timeout: 15_000 });
  const position = wb.page.locator('.part.statusbar .statusbar-item', { hasText: /^Ln \d+, Col \d+/ }).first();
  await position.waitFor({ timeout: 10_000 });
  assert.match((await position.innerText()).trim(), new RegExp(`^Ln ${line}, Col \\d+`));
  await wb.screenshot('heap-snapshot-leak-in-editor');
});
