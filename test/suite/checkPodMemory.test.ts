// Step 1's "Expected: memory < 80% of limit" against the local cluster: said "met" only when
// there are pods and each was measured, and always what Verify Recovery says about memory.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import type { PodSnapshot } from '../../src/cluster/podMonitor.ts';
import type { Verdict } from '../../src/triage/verification.ts';
import type { PodTree } from '../../src/views/podTree.ts';
import { activateExtension } from './helpers.ts';
import { startSuiteCluster, type SuiteCluster } from './podTreeCluster.ts';

const config = () => vscode.workspace.getConfiguration('memoryTriage');
const settings: Record<string, unknown> = { labelSelector: 'app=web', metricsInterval: 2, namespace: 'default', context: '' };

async function until(tree: PodTree, what: string, ok: (s: PodSnapshot) => boolean, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(tree.snapshot && ok(tree.snapshot))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const check = async () => (await vscode.commands.executeCommand('memoryTriage.checkPodMemory')) as string;
const verify = async (since: Date) => (await vscode.commands.executeCommand('memoryTriage.verifyRecovery', since)) as Verdict;

suite('Check Pod Memory: met only when measured', () => {
  let cluster: SuiteCluster;
  let tree: PodTree;
  const since = new Date();

  suiteSetup(async function () {
    this.timeout(90_000);
    const extension = await activateExtension();
    tree = (extension.exports as { pods: PodTree }).pods;
    cluster = await startSuiteCluster(extension.extensionPath, {
      prometheus: { enabled: false },
      readyDelayMs: 100,
      deployments: [
        { name: 'web', replicas: 2, labels: { app: 'web' }, container: { name: 'web', image: 'web:2.0', limits: { memory: '256Mi' }, memory: { startMiB: 50 } } },
      ],
    });
    for (const [key, value] of Object.entries(settings)) await config().update(key, value, vscode.ConfigurationTarget.Global);
    await config().update('kubeconfig', cluster.kubeconfigPath, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('memoryTriage.pods.focus');
    await until(tree, 'two measured, ready pods', (s) => s.pods.length === 2 && s.pods.every((p) => p.metricsAt && p.containers.every((c) => c.ready)), 60_000);
  });

  suiteTeardown(async () => {
    for (const key of [...Object.keys(settings), 'kubeconfig']) await config().update(key, undefined, vscode.ConfigurationTarget.Global);
    await cluster?.stop();
  });

  test('measured and under the threshold: met, and Verify passes', async () => {
    const message = await check();
    assert.match(message, /^2 pod\(s\) in emulator \/ default \/ app=web: 0 at or above 80% of a limit, 0 OOMKilled in the last hour\. Expected: memory < 80% of limit — met\.$/);
    const verdict = await verify(since);
    assert.equal(verdict.pass, true, verdict.summary);
    assert.equal(verdict.memory, 'met');
  });

  test('without metrics-server: could not be checked, naming the pods; Verify fails them for the same reason', async function () {
    this.timeout(30_000);
    await cluster.admin('/metrics-available', { available: false });
    try {
      await until(tree, 'the metrics error', (s) => s.metricsError?.kind === 'metrics-unavailable');
      const message = await check();
      assert.doesNotMatch(message, /— met/);
      assert.match(message, /Expected: memory < 80% of limit — could not be checked, not measured: web-\S+ \(web: no metrics, usage unknown\), web-\S+ \(web: no metrics, usage unknown\)\.$/);
      const verdict = await verify(since);
      assert.equal(verdict.pass, false);
      assert.equal(verdict.memory, 'could not be checked');
      assert.deepEqual(verdict.failures.map((f) => f.reasons), [['web: no metrics, usage unknown'], ['web: no metrics, usage unknown']]);
    } finally {
      await cluster.admin('/metrics-available', { available: true });
    }
  });

  test('no pods in scope: could not be checked, and Verify fails', async function () {
    this.timeout(30_000);
    await config().update('labelSelector', 'app=nothing', vscode.ConfigurationTarget.Global);
    try {
      await until(tree, 'an empty scope', (s) => s.session.labelSelector === 'app=nothing' && s.pods.length === 0);
      const message = await check();
      assert.match(message, /^0 pod\(s\) in emulator \/ default \/ app=nothing: .* Expected: memory < 80% of limit — could not be checked: no pods in scope\.$/);
      const verdict = await verify(since);
      assert.equal(verdict.pass, false);
      assert.equal(verdict.summary, 'FAIL: no pods in scope to verify.');
    } finally {
      await config().update('labelSelector', 'app=web', vscode.ConfigurationTarget.Global);
    }
  });
});
