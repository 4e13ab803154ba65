// The guarded path's refusals in the extension host, against the local cluster: with
// memoryTriage.readOnly on, Restart Workload refuses in code (not only hidden by its `when`
// clauses) and the pod is left alone; with the kubeconfig's current context moved away from the
// tree's (as a `kubectl config use-context` in a terminal does), it refuses before any write.
import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import type { PodTree } from '../../src/views/podTree.ts';
import { activateExtension, until } from './helpers.ts';
import { startSuiteCluster, type SuiteCluster } from './podTreeCluster.ts';

const config = () => vscode.workspace.getConfiguration('memoryTriage');
const settings: Record<string, unknown> = { labelSelector: 'app=web', namespace: 'default', context: 'emulator', metricsInterval: 2 };
type Result = { outcome: string; detail: string } | undefined;

suite('guarded change (refusals)', () => {
  let cluster: SuiteCluster;
  let tree: PodTree;
  let extension: vscode.Extension<unknown>;

  suiteSetup(async function () {
    this.timeout(90_000);
    extension = await activateExtension();
    tree = (extension.exports as { pods: PodTree }).pods;
    cluster = await startSuiteCluster(extension.extensionPath, {
      prometheus: { enabled: false },
      readyDelayMs: 100,
      deployments: [{ name: 'web', labels: { app: 'web' }, container: { name: 'web', image: 'synthetic:1', limits: { memory: '128Mi' }, memory: { startMiB: 20 } } }],
    });
    for (const [key, value] of Object.entries(settings)) await config().update(key, value, vscode.ConfigurationTarget.Global);
    await config().update('kubeconfig', cluster.kubeconfigPath, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('memoryTriage.pods.focus');
  });

  suiteTeardown(async () => {
    for (const key of [...Object.keys(settings), 'kubeconfig', 'readOnly']) await config().update(key, undefined, vscode.ConfigurationTarget.Global);
    await cluster?.stop();
  });

  const webPod = () => until('the web pod', () => tree.snapshot?.pods.find((p) => p.ref.name.startsWith('web-')), 30_000);

  test('the command and its menus are hidden when read-only or untrusted', () => {
    const contributes = (extension.packageJSON as { contributes: { menus: Record<string, { command: string; when?: string }[]> } }).contributes;
    const entries = Object.values(contributes.menus).flat().filter((m) => m.command === 'memoryTriage.restartWorkload');
    assert.ok(entries.length >= 2);
    for (const m of entries) assert.match(m.when ?? '', /!config\.memoryTriage\.readOnly && isWorkspaceTrusted/);
  });

  test('read-only: Restart Workload refuses in code and the pod stays', async function () {
    this.timeout(60_000);
    const pod = await webPod();
    await config().update('readOnly', true, vscode.ConfigurationTarget.Global);
    try {
      const result = (await vscode.commands.executeCommand('memoryTriage.restartWorkload', { pod })) as Result;
      assert.equal(result?.outcome, 'refused');
      assert.match(result!.detail, /memoryTriage\.readOnly is on/);
      await new Promise((r) => setTimeout(r, 2500));
      const still = tree.snapshot?.pods.filter((p) => p.ref.name.startsWith('web-')) ?? [];
      assert.deepEqual(still.map((p) => p.uid), [pod.uid], 'the same pod, not replaced');
    } finally {
      await config().update('readOnly', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  test('the kubeconfig\'s current context moved away from the tree\'s: refused before any write', async function () {
    this.timeout(60_000);
    const pod = await webPod();
    const original = readFileSync(cluster.kubeconfigPath, 'utf8');
    // Another context on the same cluster, made current behind the tree's back.
    const block = /^contexts:\n(- name: emulator\n(?: {2}.*\n)+)/m.exec(original)?.[1] ?? '';
    const moved = original.replace(/^current-context: .*$/m, 'current-context: elsewhere').replace(/^contexts:\n/m, `contexts:\n${block.replace('- name: emulator', '- name: elsewhere')}`);
    assert.notEqual(moved, original);
    writeFileSync(cluster.kubeconfigPath, moved);
    try {
      const result = (await vscode.commands.executeCommand('memoryTriage.restartWorkload', { pod })) as Result;
      assert.equal(result?.outcome, 'refused');
      assert.match(result!.detail, /current context is "elsewhere" but the tree shows "emulator"/);
    } finally {
      writeFileSync(cluster.kubeconfigPath, original);
    }
  });
});
