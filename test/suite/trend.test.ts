// Step 2 in the extension host: "Show Memory Trend (Step 2)" on a pod opens the one trend panel,
// which queries a real Prometheus (started here, history written by hand) and holds the verdict
// and the projection the webview shows. Also: the panel is reused, and a bad address is said.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import type { PodMemory } from '../../src/triage/model.ts';
import type { TrendPanel } from '../../src/views/trendPanel.ts';
import { freePort, startLocalPrometheus, type LocalPrometheus } from '../integration/localPrometheus.ts';
import { trendHistory } from '../integration/trendHistory.ts';
import { activateExtension, until } from './helpers.ts';

const leaky: PodMemory = {
  ref: { context: '', namespace: 'default', name: 'api-leaky-0' },
  uid: 'uid-leaky',
  workload: { kind: 'Pod', namespace: 'default', name: 'api-leaky-0' },
  phase: 'Running',
  labels: { app: 'api' },
  containers: [{ name: 'api', image: 'api:1', restartCount: 5, ready: true, state: { kind: 'running' }, limitBytes: 256 * 1024 * 1024 }],
};

const trendTabs = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('memoryTriage.trend'));

suite('memory trend (step 2)', () => {
  let prom: LocalPrometheus;
  let trend: TrendPanel;
  const config = () => vscode.workspace.getConfiguration('memoryTriage');

  suiteSetup(async function () {
    this.timeout(60_000);
    prom = await startLocalPrometheus(trendHistory(Math.floor(Date.now() / 1000)));
    trend = ((await activateExtension()).exports as { trend: TrendPanel }).trend;
    await config().update('prometheus.url', prom.url, vscode.ConfigurationTarget.Global);
  });
  suiteTeardown(async () => {
    await config().update('prometheus.url', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await prom?.stop();
  });

  test('the leaky pod: a webview panel, growing at 4 MiB/min, ~14 min to its 256 MiB limit', async () => {
    await vscode.commands.executeCommand('memoryTriage.showTrend', leaky);
    const status = await until('the trend', () => (trend.current.status.kind === 'ready' ? trend.current.status : undefined));
    assert.equal(trendTabs().length, 1);
    assert.equal(trend.current.range, '1h');
    const [row] = status.rows;
    assert.equal(row!.pod, 'api-leaky-0');
    assert.equal(row!.verdict, 'growing');
    assert.ok(Math.abs(row!.slopeMiBPerMinute! - 4) < 0.01, String(row!.slopeMiBPerMinute));
    const minutes = row!.secondsToLimit! / 60;
    assert.ok(minutes > 13.9 && minutes < 14.9, String(minutes));
    assert.ok(status.trend.events.some((e) => e.kind === 'OOMKilled'));
  });

  test('the chart as a PNG for the post-incident report, drawn by the page from its canvas', async () => {
    await until('the trend', () => (trend.current.status.kind === 'ready' ? true : undefined));
    const { png, reason } = await trend.chartImage();
    assert.ok(png, `no PNG: ${reason}`);
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    // IHDR: width and height, big-endian, after the signature and the chunk's length and type
    const view = new DataView(png.buffer, png.byteOffset);
    assert.ok(view.getUint32(16) >= 300, `width ${view.getUint32(16)}`);
    assert.ok(view.getUint32(20) > 320, `height ${view.getUint32(20)}: the plot and the legend below it`);
    assert.ok(png.length > 5000, `only ${png.length} bytes: an empty canvas?`);
  });

  test('a second pod reuses the same panel', async () => {
    await vscode.commands.executeCommand('memoryTriage.showTrend', { ...leaky, ref: { ...leaky.ref, name: 'api-steady-0' }, uid: 'uid-steady' });
    const status = await until('the second trend', () =>
      trend.current.status.kind === 'ready' && trend.current.status.rows[0]?.pod === 'api-steady-0' ? trend.current.status : undefined,
    );
    assert.equal(status.rows[0]!.verdict, 'steady');
    assert.equal(trendTabs().length, 1);
  });

  test('a workload item charts its pods by the names its controller gives them', async () => {
    const pods = [0, 1].map((i) => ({ ...leaky, ref: { ...leaky.ref, name: `api-leaky-${i}` }, uid: `uid-${i}`, workload: { kind: 'StatefulSet' as const, namespace: 'default', name: 'api-leaky' } }));
    await vscode.commands.executeCommand('memoryTriage.showTrend', { workload: pods[0]!.workload, pods });
    const status = await until('the workload trend', () =>
      trend.current.status.kind === 'ready' && trend.current.target?.scope.kind === 'workload' ? trend.current.status : undefined,
    );
    // only api-leaky-0 has history; the steady and churning pods are not this StatefulSet's
    assert.deepEqual(status.rows.map((r) => r.pod), ['api-leaky-0']);
    assert.equal(trend.current.target?.title, 'default / StatefulSet api-leaky');
  });

  test('an address where nothing listens becomes a message with a hint, not a crash', async () => {
    await config().update('prometheus.url', `http://127.0.0.1:${await freePort()}`, vscode.ConfigurationTarget.Global);
    try {
      await vscode.commands.executeCommand('memoryTriage.showTrend', leaky);
      const status = await until('the error', () => (trend.current.status.kind === 'error' ? trend.current.status : undefined));
      assert.match(status.message, /Cannot reach Prometheus at http:\/\/127\.0\.0\.1:\d+/);
      assert.match(status.hint ?? '', /memoryTriage\.prometheus\.url/);
    } finally {
      await config().update('prometheus.url', prom.url, vscode.ConfigurationTarget.Global);
    }
  });

  test('an open panel queries again on its own while shown, not while hidden, and catches up when shown', async function () {
    this.timeout(60_000);
    const loadedAt = () => (trend.current.status.kind === 'ready' ? trend.current.status.loadedAt : undefined);
    await config().update('trend.refreshSeconds', 5, vscode.ConfigurationTarget.Global);
    try {
      await vscode.commands.executeCommand('memoryTriage.showTrend', leaky);
      const first = await until('the trend', loadedAt);
      const second = await until('a load nobody asked for', () => ((loadedAt() ?? 0) > first ? loadedAt() : undefined), 12_000);
      assert.ok(second - first >= 4_500, `reloaded after ${second - first} ms, not the 5 s asked`);
      // a text editor in the same group hides the panel
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ content: 'hides the trend' }), { preview: false });
      await new Promise((r) => setTimeout(r, 8_000));
      assert.equal(loadedAt(), second, 'no query while the panel is hidden');
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      const third = await until('the catch-up load', () => ((loadedAt() ?? 0) > second ? loadedAt() : undefined), 4_000);
      assert.ok(third - second >= 8_000, 'the catch-up came when shown again');
    } finally {
      await config().update('trend.refreshSeconds', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  test('memoryTriage.prometheus.labels goes on every query, ${context} as the pod\'s context; a bad one is said', async () => {
    const prodPod = { ...leaky, ref: { ...leaky.ref, context: 'prod-eu' } };
    await config().update('prometheus.labels', { cluster: '${context}' }, vscode.ConfigurationTarget.Global);
    try {
      await vscode.commands.executeCommand('memoryTriage.showTrend', prodPod);
      const status = await until('the labelled trend', () => (trend.current.status.kind === 'ready' ? trend.current.status : undefined));
      assert.match(status.trend.source, /cluster="prod-eu"/);
      assert.equal(status.trend.workingSet.length, 0, 'the test history has no cluster label, so nothing matches');
      await config().update('prometheus.labels', { pod: 'x' }, vscode.ConfigurationTarget.Global);
      await vscode.commands.executeCommand('memoryTriage.showTrend', leaky);
      const error = await until('the error', () => (trend.current.status.kind === 'error' ? trend.current.status : undefined));
      assert.match(error.message, /memoryTriage\.prometheus\.labels: the label "pod" is set by the query itself/);
    } finally {
      await config().update('prometheus.labels', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});
