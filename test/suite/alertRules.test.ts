// Create Memory Alert Rules in the extension host: the scope is the tree's pods, the threshold the
// setting, and the result an unsaved YAML document.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import type { PodTree } from '../../src/views/podTree.ts';
import { activateExtension } from './helpers.ts';
import { startSuiteCluster, type SuiteCluster } from './podTreeCluster.ts';

const config = () => vscode.workspace.getConfiguration('memoryTriage');
const settings: Record<string, unknown> = { labelSelector: 'app=web', namespace: 'default', context: '', warningThreshold: 70 };

suite('Create Memory Alert Rules', () => {
  let cluster: SuiteCluster;

  suiteSetup(async function () {
    this.timeout(90_000);
    const extension = await activateExtension();
    const tree = (extension.exports as { pods: PodTree }).pods;
    cluster = await startSuiteCluster(extension.extensionPath, {
      prometheus: { enabled: false },
      readyDelayMs: 100,
      deployments: [{ name: 'web', replicas: 1, labels: { app: 'web' }, container: { name: 'web', image: 'web:2.0', limits: { memory: '256Mi' }, memory: { startMiB: 50 } } }],
    });
    for (const [key, value] of Object.entries(settings)) await config().update(key, value, vscode.ConfigurationTarget.Global);
    await config().update('kubeconfig', cluster.kubeconfigPath, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('memoryTriage.pods.focus');
    for (const end = Date.now() + 60_000; !(tree.snapshot?.listed && tree.snapshot.pods.length === 1); await new Promise((r) => setTimeout(r, 200))) {
      if (Date.now() > end) throw new Error('timed out waiting for the web pod');
    }
  });

  suiteTeardown(async () => {
    for (const key of [...Object.keys(settings), 'kubeconfig']) await config().update(key, undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await cluster?.stop();
  });

  test('a PrometheusRule for the Deployment, at the threshold of the settings, in an untitled YAML editor', async () => {
    await vscode.commands.executeCommand('memoryTriage.createAlertRules', 'prometheusRule');
    const doc = vscode.window.activeTextEditor?.document;
    assert.ok(doc, 'an editor is open');
    assert.equal(doc.isUntitled, true);
    assert.equal(doc.languageId, 'yaml');
    const text = doc.getText();
    assert.match(text, /^kind: PrometheusRule$/m);
    assert.match(text, /^ {2}namespace: default$/m);
    assert.match(text, /name: memory-triage\.default\.deployment\.web$/m);
    assert.match(text, /workload: Deployment\/web$/m);
    assert.match(text, /^ +> 70$/m);
  });
});
