// Step 3 in the extension host: the allocations part of the one trend panel. A capture's statuses
// open the panel beside the editor on the pod, keep the trend of that pod while they come, and
// another pod's allocations bring its trend too. Prometheus is a real one, as in trend.test.ts.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import type { PodMemory } from '../../src/triage/model.ts';
import type { TrendPanel } from '../../src/views/trendPanel.ts';
import { targetForPod } from '../../src/views/trendTargets.ts';
import type { AllocationsStatus } from '../../src/webview/protocol.ts';
import { startLocalPrometheus, type LocalPrometheus } from '../integration/localPrometheus.ts';
import { trendHistory } from '../integration/trendHistory.ts';
import { activateExtension, until } from './helpers.ts';

const pod = (name: string): PodMemory => ({
  ref: { context: '', namespace: 'default', name },
  uid: `uid-${name}`,
  workload: { kind: 'Pod', namespace: 'default', name },
  phase: 'Running',
  labels: { app: 'api' },
  containers: [{ name: 'api', image: 'api:1', restartCount: 0, ready: true, state: { kind: 'running' }, limitBytes: 256 * 1024 * 1024 }],
});

const trendTabs = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs.map((t) => ({ t, column: g.viewColumn }))).filter(({ t }) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('memoryTriage.trend'));

const ready: AllocationsStatus = {
  kind: 'ready',
  view: {
    title: 'default / api-leaky-0 / api', takenAt: Date.now(), measure: 'growth', windowSeconds: 60, method: 'tracemalloc', notes: [], totalBytes: 100, growthBytes: 60,
    rows: [{ id: 0, file: '/app/handlers.py', line: 12, bytes: 60, count: 3, growthBytes: 60, share: 0.6, growthPerMinute: 60, library: false, location: { kind: 'unmatched' }, traceback: [] }],
  },
};

suite('allocations part of the trend panel (step 3)', () => {
  let prom: LocalPrometheus;
  let trend: TrendPanel;
  const config = () => vscode.workspace.getConfiguration('memoryTriage');

  suiteSetup(async function () {
    this.timeout(60_000);
    prom = await startLocalPrometheus(trendHistory(Math.floor(Date.now() / 1000)));
    trend = ((await activateExtension()).exports as { trend: TrendPanel }).trend;
    await config().update('prometheus.url', prom.url, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
  suiteTeardown(async () => {
    await config().update('prometheus.url', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await prom?.stop();
  });

  test('a capture opens the panel beside the editor on its pod; its result keeps the trend already loaded', async () => {
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ content: 'the code' }), { viewColumn: vscode.ViewColumn.One });
    const capturing: AllocationsStatus = { kind: 'capturing', title: 'default / api-leaky-0 / api', message: 'Tracing for 60 s.', endsAt: Date.now() + 60_000 };
    await trend.showAllocations(targetForPod(pod('api-leaky-0')), capturing);
    assert.equal(trend.allocationStatus, capturing);
    const tabs = trendTabs();
    assert.equal(tabs.length, 1);
    assert.equal(tabs[0]!.column, vscode.ViewColumn.Two, 'beside the editor in column one');
    const status = trend.current.status;
    assert.equal(status.kind, 'ready');
    assert.equal(status.kind === 'ready' && status.rows[0]?.pod, 'api-leaky-0');

    await trend.showAllocations(targetForPod(pod('api-leaky-0')), ready);
    assert.equal(trend.allocationStatus, ready);
    assert.equal(trend.current.status, status, 'the same trend, not queried again');
    assert.equal(trendTabs().length, 1);
  });

  test("another pod's allocations bring that pod's trend; the trend of a pod keeps them", async () => {
    await trend.showAllocations(targetForPod(pod('api-steady-0')), { kind: 'error', title: 'default / api-steady-0 / api', message: 'ptrace refused' });
    const status = await until('the steady trend', () => (trend.current.status.kind === 'ready' ? trend.current.status : undefined));
    assert.equal(status.rows[0]?.pod, 'api-steady-0');
    assert.equal(trend.allocationStatus.kind, 'error');
    await trend.show(targetForPod(pod('api-leaky-0')));
    assert.equal(trend.allocationStatus.kind, 'error', 'the allocations stay until a capture replaces them');
    assert.equal(trendTabs().length, 1);
  });
});
