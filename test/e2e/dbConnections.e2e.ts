// Step 4 in a real VS Code (code-server, the packaged VSIX) on real containers: the Python api
// talks to a real PostgreSQL (a StatefulSet behind a headless Service) and abandons one paged
// export in 40 requests, each holding a pooled connection. From the pod's row in the tree, the
// inline "Check DB Connections" reads the SQLAlchemy pool in the live process twice a window
// apart, and the pod's sockets: the verdict "leaking" shows under the pod and in the panel's
// Connections tab beside the pool's figures and the sockets to 5432; Check Again adds a third check.
import * as assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startCluster, type Cluster } from '../cluster/index.ts';
import type { ClusterConfig } from '../cluster/config.ts';
import { openWorkbench, type Workbench } from './harness.ts';
import type { TreeRow } from './workbenchDom.ts';
import { postgresPod, POSTGRES_URL } from '../cluster/postgresPod.ts';

let cluster: Cluster;
let wb: Workbench;

// 10 requests a second, one in 40 an abandoned export: a connection leaks every 4 s, so the pool
// (5 + 10 overflow) fills in about a minute: long enough to check twice 12 s apart, short
// enough that the second check sees two or three more checked out.
const WINDOW_SECONDS = 12;
const db = { DATABASE_URL: POSTGRES_URL };
const config: Partial<ClusterConfig> = {
  backoff: { baseMs: 500, maxMs: 2000 },
  readyDelayMs: 100,
  prometheus: { enabled: false, backfillMinutes: 0 },
  ...postgresPod(),
  deployments: [{
    name: 'api', namespace: 'default', replicas: 1, labels: { app: 'api' },
    container: {
      name: 'api', image: 'registry.example.com/shop/orders-api:1.8.3', workload: 'python-api',
      env: { ...db, REQUESTS_PER_SECOND: '10', LEAK_KB_PER_REQUEST: '1', LEAK_CONNECTIONS_EVERY: '40' },
      limits: { memory: '192Mi' }, ports: [8080],
    },
  }],
  images: { 'registry.example.com/shop/orders-api:*': { from: 'python:slim', user: { uid: 1000, gid: 1000, name: 'app', home: '/home/app' }, workdir: '/app' } },
};

before(async () => {
  cluster = await startCluster({ config, prometheus: false });
  wb = await openWorkbench({
    settings: {
      'memoryTriage.kubeconfig': cluster.kubeconfigPath,
      'memoryTriage.namespace': 'default',
      'memoryTriage.labelSelector': 'app=api',
      'memoryTriage.metricsInterval': 3,
      'memoryTriage.db.windowSeconds': WINDOW_SECONDS,
    },
    viewport: { width: 1600, height: 900 },
  });
});

after(async () => {
  await wb?.stop();
  await cluster?.stop();
});

test('from the api pod\'s row, Check DB Connections shows "leaking" under the pod and in the Connections tab', async () => {
  await wb.openActivityView('Memory Triage');
  // running and past its start (it waits for PostgreSQL and seeds the table before it serves)
  const running = (r: TreeRow) => r.level === 2 && /^api-/.test(r.label) && /\d+%/.test(r.description);
  const rows = await wb.rowsUntil('the api pod running with metrics', (rows) => rows.some(running), 180_000);
  const api = rows.find(running)!;
  const row = wb.page.locator('.part.sidebar .monaco-list-row', { hasText: api.label }).first();
  await row.hover();
  await row.locator('.action-label[aria-label^="Check DB Connections"]').click();

  const page = wb.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
  const verdict = page.locator('#connections #pool-verdict');
  // a failure says so in the part at once: no need to wait out the timeout for it
  const settled = await page.locator('#connections #pool-verdict, #connections .pool-status.error').first().waitFor({ timeout: 150_000 }).then(() => verdict.count(), () => 0);
  if (settled === 0) {
    await wb.screenshot('check-db-connections-failed');
    assert.fail(`no verdict in the Connections tab: ${await page.locator('#connections').innerText().catch(() => '(no panel)')}`);
  }
  assert.equal(await page.locator('#tab-connections').getAttribute('aria-selected'), 'true');
  assert.equal(await verdict.getAttribute('data-verdict'), 'leaking', await page.locator('#connections').innerText());
  assert.match(await verdict.innerText(), /^leaking\b/);
  // two checks, the second with more checked out; the pool read in the process, the sockets beside it
  assert.match(await page.locator('#connections .pool-trend').innerText(), /^Checked out (\d+) → (\d+) over \d+ s\.$/);
  const [, first, second] = /Checked out (\d+) → (\d+)/.exec(await page.locator('#connections .pool-trend').innerText())!.map(Number);
  assert.ok(second! > first!, `checked out rose: ${first} → ${second}`);
  const checks = page.locator('#connections .pool-check');
  assert.equal(await checks.count(), 2);
  const lastCheck = checks.nth(1);
  const pool = (await lastCheck.locator('.pool-table tbody tr').first().innerText()).replace(/\s+/g, ' ');
  assert.match(pool, /^infrastructure\.db:engine .*QueuePool 5 \d+ \d+ -?\d+\/10 \d+(\.\d)? s/);
  const postgres = lastCheck.locator('.socket-table tbody tr', { hasText: 'PostgreSQL' }).filter({ hasText: 'ESTABLISHED' });
  assert.ok((await postgres.count()) >= 1, 'the pod\'s ESTABLISHED sockets to PostgreSQL are listed');
  assert.match(await lastCheck.locator('.pool-summary').innerText(), /^\d+ checked out of 15 \(size \+ max overflow\) in \d+ pools?; \d+ ESTABLISHED sockets? to PostgreSQL\.$/);

  // the finding under the pod, beside its container: the pod's row opened to see it
  if ((await row.getAttribute('aria-expanded')) !== 'true') await row.locator('.monaco-tl-twistie').click();
  const dbRows = await wb.rowsUntil('the DB row under the pod', (rows) => rows.some((r) => r.label === 'DB' && r.level === 3), 15_000);
  const dbRow = dbRows.find((r) => r.label === 'DB' && r.level === 3)!;
  assert.match(dbRow.description, /^\d+\/15 checked out · leaking$/);
  await wb.page.mouse.move(900, 880); // the tree's tooltip off the panel for the picture
  await wb.screenshot('check-db-connections');

  // Check Again continues the same report: a third check, judged with the two before it
  await page.locator('#connections #check-db').click();
  const third = page.locator('#connections .pool-check').nth(2);
  await third.waitFor({ timeout: 90_000 }).catch(async (err) => {
    await wb.screenshot('check-db-again-failed');
    throw new Error(`no third check: ${await page.locator('#connections').innerText().catch(() => '(no panel)')}`, { cause: err });
  });
  assert.match(await page.locator('#connections .pool-trend').innerText(), /^Checked out \d+ → \d+ → \d+ over \d+ s\.$/);
  assert.match(await page.locator('#connections #pool-verdict').getAttribute('data-verdict') ?? '', /^(leaking|exhausted)$/);
});
