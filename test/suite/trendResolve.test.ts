// Issue 11 in the extension host, against the local cluster: the trend panel's Restart / Raise
// Limit / Scale Out buttons run the tree's commands on the panel's pod, through the guarded path.
// With memoryTriage.readOnly on each is refused in code with the read-only message, the refusal is
// in the incident timeline, and the pod is left alone; an action the panel does not offer runs nothing.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import type { ActionEntry } from '../../src/triage/timeline.ts';
import type { IncidentStore } from '../../src/views/incidentStore.ts';
import type { PodTree } from '../../src/views/podTree.ts';
import type { TrendPanel } from '../../src/views/trendPanel.ts';
import { activateExtension, until } from './helpers.ts';
import { startSuiteCluster, type SuiteCluster } from './podTreeCluster.ts';

const config = () => vscode.workspace.getConfiguration('memoryTriage');
const settings: Record<string, unknown> = { labelSelector: 'app=shop', namespace: 'default', context: 'emulator', metricsInterval: 2 };
type Exports = { pods: PodTree; trend: TrendPanel; incidents: IncidentStore };

suite('trend panel resolution buttons', () => {
  let cluster: SuiteCluster;
  let ext: Exports;

  suiteSetup(async function () {
    this.timeout(90_000);
    const extension = await activateExtension();
    ext = extension.exports as Exports;
    cluster = await startSuiteCluster(extension.extensionPath, {
      prometheus: { enabled: false },
      readyDelayMs: 100,
      deployments: [{ name: 'shop', labels: { app: 'shop' }, container: { name: 'shop', image: 'synthetic:1', limits: { memory: '128Mi' }, memory: { startMiB: 20 } } }],
    });
    for (const [key, value] of Object.entries(settings)) await config().update(key, value, vscode.ConfigurationTarget.Global);
    await config().update('kubeconfig', cluster.kubeconfigPath, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('memoryTriage.pods.focus');
  });

  suiteTeardown(async () => {
    for (const key of [...Object.keys(settings), 'kubeconfig', 'readOnly']) await config().update(key, undefined, vscode.ConfigurationTarget.Global);
    ext?.incidents.end();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await cluster?.stop();
  });

  test('trend panel resolution buttons: read-only refuses Restart, Raise Limit and Scale Out, and the pod stays', async function () {
    this.timeout(60_000);
    const pod = await until('the shop pod', () => ext.pods.snapshot?.pods.find((p) => p.ref.name.startsWith('shop-')), 30_000);
    await vscode.commands.executeCommand('memoryTriage.showTrend', pod);
    assert.equal(ext.trend.current.target?.pods[0]?.ref.name, pod.ref.name);
    const incident = ext.incidents.start('suite: trend resolution buttons');
    const before = incident.entries.length;
    await config().update('readOnly', true, vscode.ConfigurationTarget.Global);
    try {
      const restart = (await ext.trend.resolution.run('restart')) as { outcome: string; detail: string } | undefined;
      assert.equal(restart?.outcome, 'refused');
      assert.match(restart!.detail, /memoryTriage\.readOnly is on/);
      await ext.trend.resolution.run('raiseLimit');
      await ext.trend.resolution.run('scaleOut');
      // not one of the three: nothing runs, nothing is recorded
      assert.equal(await ext.trend.resolution.run('delete'), undefined);
      assert.equal(await ext.trend.resolution.run('toString'), undefined);
      const refused = (ext.incidents.current?.entries ?? []).slice(before).filter((e): e is ActionEntry => e.kind === 'action');
      assert.deepEqual(refused.map((e) => [e.action, e.outcome, e.target.name]), [['restart', 'refused', pod.ref.name], ['raise-limit', 'refused', pod.ref.name], ['scale', 'refused', pod.ref.name]]);
      for (const e of refused) assert.match(e.detail, /memoryTriage\.readOnly is on.*Nothing was changed/);
      await new Promise((r) => setTimeout(r, 2500));
      const still = ext.pods.snapshot?.pods.filter((p) => p.ref.name.startsWith('shop-')) ?? [];
      assert.deepEqual(still.map((p) => p.uid), [pod.uid], 'the same pod, not replaced');
    } finally {
      await config().update('readOnly', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});
