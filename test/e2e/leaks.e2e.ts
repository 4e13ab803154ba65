// Step 3 in a real VS Code (code-server, the packaged VSIX) on real containers: the Python api
// leaks into its response cache until the kernel OOM-kills it; from its row in the tree, the inline
// "Find Leaking Lines" gets into the restarted process (gdb from an ephemeral debug container: the
// app image has none), and the table's first row is the line of handlers.py that allocates what the
// cache keeps. A click opens that line beside the panel with its CodeLens. User actions are counted.
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Cluster } from '../cluster/index.ts';
import type { ClusterConfig } from '../cluster/config.ts';
import type { Workbench } from './harness.ts';
import { lineWhere, openOnWorkloads, WORKLOADS } from './workloadWorld.ts';
import type { TreeRow } from './workbenchDom.ts';

const HANDLERS = join(WORKLOADS, 'python-api', 'app', 'handlers.py');

let cluster: Cluster;
let wb: Workbench;

// ~75 MiB a minute into a 96 MiB limit: the first kill within a minute, and time enough after the
// restart for a 10 s capture before the next one.
const config: Partial<ClusterConfig> = {
  backoff: { baseMs: 1000, maxMs: 5000 },
  readyDelayMs: 200,
  prometheus: { enabled: false, backfillMinutes: 0 },
  deployments: [{
    name: 'api', namespace: 'default', replicas: 1, labels: { app: 'api' },
    container: {
      name: 'api', image: 'registry.example.com/shop/orders-api:1.8.3', workload: 'python-api',
      env: { REQUESTS_PER_SECOND: '10', LEAK_KB_PER_REQUEST: '128', LEAK_CONNECTIONS_EVERY: '0' },
      limits: { memory: '96Mi' }, ports: [8080],
    },
  }],
  images: { 'registry.example.com/shop/orders-api:*': { from: 'python:slim', user: { uid: 1000, gid: 1000, name: 'app', home: '/home/app' }, workdir: '/app' } },
};

/** The line that builds the cached body. */
const leakLine = () => lineWhere(HANDLERS, (l) => l.includes('json.dumps(order).encode('), 'the response body line is in handlers.py');

before(async () => {
  ({ cluster, wb } = await openOnWorkloads(config, 'app=api'));
});

after(async () => {
  await wb?.stop();
  await cluster?.stop();
});

test('from the OOMKilled pod to the leaking line of handlers.py in at most 4 user actions', async () => {
  const line = leakLine();
  let actions = 0;
  await wb.openActivityView('Memory Triage');
  actions++; // 1: open the Memory Triage view
  // killed, and restarted far enough from the limit that a 10 s capture ends before the next kill
  const restarted = (r: TreeRow) => r.level === 2 && /OOMKilled \d+[sm] ago/.test(r.description) && Number(/· (\d+)%/.exec(r.description)?.[1] ?? 100) < 50;
  const rows = await wb.rowsUntil('the OOMKilled pod restarted', (rows) => rows.some(restarted), 180_000);
  const killed = rows.find(restarted)!;
  const row = wb.page.locator('.part.sidebar .monaco-list-row', { hasText: killed.label }).first();
  await row.hover();
  await row.locator('.action-label[aria-label^="Find Leaking Lines"]').click();
  actions++; // 2: the row's inline action
  // near its limit the extension asks first (tracing costs memory): one more action then
  const anyway = wb.page.locator('.monaco-dialog-box .monaco-button', { hasText: 'Capture Anyway' });
  if (await anyway.waitFor({ timeout: 3000 }).then(() => true, () => false)) {
    await anyway.click();
    actions++;
  }

  const page = wb.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
  const first = page.locator('#allocations tr.site').first();
  await first.waitFor({ timeout: 120_000 }).catch(async (err) => {
    await wb.screenshot('find-leaking-lines-failed');
    throw err;
  });
  const location = (await first.locator('button.site-open').innerText()).trim();
  assert.equal(location, `python-api/app/handlers.py:${line}`);
  assert.equal(await page.locator('#tab-allocations').getAttribute('aria-selected'), 'true');
  const growth = (await first.innerText()).replace(/\s+/g, ' ');
  assert.match(growth, /\d+(\.\d)? MiB/, 'the first row says how much it grew');
  await wb.page.mouse.move(900, 880); // the tree's tooltip off the table for the picture
  await wb.screenshot('find-leaking-lines');

  await first.locator('button.site-open').click();
  actions++; // 3: the row
  // the editor beside the panel: handlers.py active, the cursor on the leak line, its CodeLens drawn
  const tab = wb.page.locator('.tabs-container .tab.active', { hasText: 'handlers.py' });
  await tab.first().waitFor({ timeout: 15_000 });
  const position = wb.page.locator('.part.statusbar .statusbar-item', { hasText: /^Ln \d+, Col \d+/ }).first();
  await position.waitFor({ timeout: 10_000 });
  assert.match((await position.innerText()).trim(), new RegExp(`^Ln ${line}, Col \\d+`));
  // the lens above the line, with the figures of the table's first row
  const lensText = /^\+\d+(\.\d)?\s(MiB|KiB)\sin\s\d+\ss\s·\s[\d,]+\sblocks\s·\sapi-/;
  const lenses = () => wb.page.locator('.monaco-editor .codelens-decoration').allInnerTexts();
  const deadline = Date.now() + 15_000;
  let seen = await lenses();
  while (!seen.some((t) => lensText.test(t.trim())) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
    seen = await lenses();
  }
  if (!seen.some((t) => lensText.test(t.trim()))) {
    await wb.screenshot('leaking-line-failed');
    assert.fail(`no CodeLens with the figures; lenses: ${JSON.stringify(seen)}`);
  }
  console.log(`user actions from the tree to the leaking line: ${actions} (open the view, the row's inline action, ${actions === 4 ? 'the cost warning, ' : ''}the table row)`);
  assert.ok(actions <= 4);
  await wb.screenshot('leaking-line-in-editor');
});
