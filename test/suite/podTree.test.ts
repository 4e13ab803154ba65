// The pod tree in the extension host, against the local cluster: gauges and descriptions,
// the OOMKilled marker arriving through the watch, tooltips (with the node and events), Show Events, the kubectl text on the
// clipboard, step 1 and verification, and "no metrics" when metrics-server goes away.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import type { PodSnapshot } from '../../src/cluster/podMonitor.ts';
import type { Verdict } from '../../src/triage/verification.ts';
import type { PodTree } from '../../src/views/podTree.ts';
import type { MessageItem, PodItem, PodTreeNode, WorkloadItem } from '../../src/views/podTreeItems.ts';
import { activateExtension } from './helpers.ts';
import { startSuiteCluster, type SuiteCluster } from './podTreeCluster.ts';

const config = () => vscode.workspace.getConfiguration('memoryTriage');
const settings: Record<string, unknown> = { labelSelector: 'app=api', metricsInterval: 2, namespace: 'default', context: '' };

function waitForSnapshot(tree: PodTree, what: string, test: (s: PodSnapshot) => boolean, timeoutMs = 60_000): Promise<PodSnapshot> {
  return new Promise((resolve, reject) => {
    const now = tree.snapshot;
    if (now && test(now)) return resolve(now);
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`timed out waiting for ${what}; pods: ${tree.snapshot?.pods.map((p) => p.ref.name).join(', ')}`));
    }, timeoutMs);
    const sub = tree.onDidChangeSnapshot((s) => {
      if (test(s)) {
        clearTimeout(timer);
        sub.dispose();
        resolve(s);
      }
    });
  });
}

// The items come from the extension's bundle, not this one: tell them apart by contextValue.
const isPod = (i: PodTreeNode): i is PodItem => /^memoryTriage\.pod/.test(i.contextValue ?? '');
const isWorkload = (i: PodTreeNode): i is WorkloadItem => i.contextValue === 'memoryTriage.workload';
const isMessage = (i: PodTreeNode): i is MessageItem => i.contextValue === 'memoryTriage.message';

const all = (tree: PodTree, node?: PodTreeNode): PodTreeNode[] =>
  tree.provider.getChildren(node).flatMap((n) => [n, ...all(tree, n)]);

suite('pod tree (step 1)', () => {
  let cluster: SuiteCluster;
  let tree: PodTree;
  const started = new Date();

  suiteSetup(async function () {
    this.timeout(90_000);
    const extension = await activateExtension();
    tree = (extension.exports as { pods: PodTree }).pods;
    cluster = await startSuiteCluster(extension.extensionPath, {
      prometheus: { enabled: false },
      readyDelayMs: 100,
      backoff: { baseMs: 20_000, maxMs: 20_000 },
      deployments: [
        // 60 of 100 MiB growing 90 MiB/min: above 80% after ~13 s, OOM-killed after ~27 s
        { name: 'api', labels: { app: 'api' }, container: { name: 'api', image: 'python-api:1.4', requests: { memory: '64Mi' }, limits: { memory: '100Mi' }, memory: { startMiB: 60, leakMiBPerMinute: 90 } } },
        { name: 'api-canary', labels: { app: 'api' }, container: { name: 'api', image: 'python-api:1.4', limits: { memory: '512Mi' }, memory: { startMiB: 100 } } },
        // outside the scope until a test switches the label selector to it
        { name: 'billing', labels: { app: 'billing' }, container: { name: 'api', image: 'python-api:1.4', limits: { memory: '256Mi' }, memory: { startMiB: 50 } } },
      ],
    });
    for (const [key, value] of Object.entries(settings)) await config().update(key, value, vscode.ConfigurationTarget.Global);
    await config().update('kubeconfig', cluster.kubeconfigPath, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('memoryTriage.pods.focus');
  });

  suiteTeardown(async () => {
    for (const key of [...Object.keys(settings), 'kubeconfig']) await config().update(key, undefined, vscode.ConfigurationTarget.Global);
    await cluster?.stop();
  });

  test('shows the api pods grouped by deployment, with gauges', async () => {
    const s = await waitForSnapshot(tree, 'two pods with metrics', (s) => s.pods.length === 2 && s.pods.every((p) => p.metricsAt));
    assert.equal(s.session.contextName, 'emulator');
    assert.equal(tree.view.description, 'emulator / default / app=api');
    assert.equal(tree.view.message, 'Scope: emulator / default / app=api');
    const items = all(tree);
    const groups = items.filter(isWorkload).map((g) => g.workload.name).sort();
    assert.deepEqual(groups, ['api', 'api-canary']);
    const pods = items.filter(isPod);
    assert.equal(pods.length, 2);
    for (const pod of pods) {
      assert.match(String(pod.description), /^\d+ MiB \/ \d+ MiB · \d+%/);
      const icon = pod.iconPath as { light: vscode.Uri; dark: vscode.Uri };
      assert.equal(icon.light.scheme, 'data');
      assert.notEqual(icon.light.toString(), icon.dark.toString());
      const resolved = await tree.provider.resolveTreeItem(new vscode.TreeItem(pod.label!), pod);
      const tooltip = (resolved.tooltip as vscode.MarkdownString).value;
      assert.match(tooltip, /\| api \| \d+ MiB \| .* \| .* MiB \| \d+% \|/);
      // read on hover through the session: the node's memory state and the pod's last events
      assert.match(tooltip, /Node emulator\\-node: MemoryPressure False · allocatable \d+(\.\d+)? GiB of 24 GiB/);
      assert.match(tooltip, /\*\*Events\*\* \(newest \d of \d+; Show Events for all\):\n- .*\*\*(Started|Created|Pulled|Scheduled)\*\*/);
    }
  });

  test('copies the runbook command for a pod, quoted', async () => {
    const pod = all(tree).find(isPod)!;
    await vscode.commands.executeCommand('memoryTriage.copyKubectlCommand', pod);
    const text = await vscode.env.clipboard.readText();
    assert.equal(text.split('\n')[0], `kubectl --context emulator -n default top pod ${pod.pod.ref.name} --containers`);
  });

  test('the leaking pod gets its OOMKilled marker through the watch', async function () {
    this.timeout(90_000);
    await waitForSnapshot(tree, 'the OOM kill', (s) => s.pods.some((p) => p.containers[0]!.lastTermination?.reason === 'OOMKilled'), 80_000);
    await new Promise((r) => setTimeout(r, 300)); // the tree redraws after the snapshot event
    const leaky = all(tree).filter(isPod).find((i) => i.pod.workload.name === 'api')!;
    assert.match(String(leaky.description), /OOMKilled \d+s ago · ↻1/);
    assert.equal(leaky.contextValue, 'memoryTriage.pod.oomKilled');
    // an OOM-killed pod leads the tree (the kubelet restarts a first crash at once, so it runs again)
    const first = tree.provider.getChildren()[0];
    assert.ok(first && isWorkload(first) && first.workload.name === 'api', 'the leaky workload is first');
  });

  test("Show Events on the killed pod: its events and the node's OOMKilling, newest first, as a read-only document", async function () {
    this.timeout(20_000);
    const leaky = all(tree).filter(isPod).find((i) => i.pod.workload.name === 'api')!;
    await vscode.commands.executeCommand('memoryTriage.showEvents', leaky);
    const doc = vscode.window.activeTextEditor!.document;
    assert.equal(doc.uri.scheme, 'memory-triage-log');
    const text = doc.getText();
    assert.ok(text.startsWith(`# emulator default/${leaky.pod.ref.name}: events, newest first`), text.slice(0, 200));
    assert.match(text, /^\S+Z  Warning  OOMKilling  Node\/emulator-node \(kernel-monitor\)\n    Memory cgroup out of memory: Killed process \d+ \(\S+\)/m);
    assert.match(text, /^\S+Z  Normal   Started  Pod\/\S+ spec\.containers\{api\} \(kubelet\)  ×2 over \d+[sm]$/m);
    const stamps = [...text.matchAll(/^(\d{4}-\S+Z)  /gm)].map((m) => m[1]!);
    assert.deepEqual(stamps, [...stamps].sort().reverse(), 'newest first');
  });

  test('Check Pod Memory and Verify Recovery judge the same pods', async () => {
    const summary = (await vscode.commands.executeCommand('memoryTriage.checkPodMemory')) as string;
    assert.match(summary, /^2 pod\(s\) in emulator \/ default \/ app=api: \d at or above 80% of a limit, 1 OOMKilled in the last hour\./);
    const verdict = (await vscode.commands.executeCommand('memoryTriage.verifyRecovery', started)) as Verdict;
    assert.equal(verdict.pass, false);
    assert.deepEqual(verdict.failures.map((f) => f.pod.workload.name), ['api']);
  });

  test('Find OOMKilled Pods offers the killed pod and reveals the one picked', async function () {
    this.timeout(20_000);
    const result = Promise.resolve(vscode.commands.executeCommand('memoryTriage.findOomKilled'));
    let done = false;
    void result.finally(() => (done = true));
    // The command refreshes, then waits on its quick pick: accept the first row once it is up.
    for (let i = 0; i < 30 && !done; i++) {
      await new Promise((r) => setTimeout(r, 400));
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    }
    assert.equal(await result, 1);
    const selected = tree.view.selection[0];
    assert.ok(selected && isPod(selected) && selected.pod.workload.name === 'api', `selected: ${selected?.label}`);
  });

  test('hiding the view stops the watch and the polling; showing it resumes', async function () {
    this.timeout(30_000);
    await vscode.commands.executeCommand('workbench.view.explorer');
    await new Promise((r) => setTimeout(r, 1000)); // let a redraw in flight land
    assert.equal(tree.view.visible, false);
    let redraws = 0;
    const sub = tree.onDidChangeSnapshot(() => redraws++);
    try {
      await new Promise((r) => setTimeout(r, 5000)); // metricsInterval is 2 s
      assert.equal(redraws, 0, 'no metrics poll or watch event while hidden');
      await vscode.commands.executeCommand('memoryTriage.pods.focus');
      await waitForSnapshot(tree, 'a redraw after showing', () => redraws > 0, 15_000);
    } finally {
      sub.dispose();
    }
  });

  test('without metrics-server the pods stay, with "no metrics" and a hint', async function () {
    this.timeout(30_000);
    const before = new Map(all(tree).filter(isPod).map((p) => [String(p.label), String(p.description)]));
    await cluster.admin('/metrics-available', { available: false });
    try {
      await waitForSnapshot(tree, 'metrics error', (s) => s.metricsError?.kind === 'metrics-unavailable', 20_000);
      await new Promise((r) => setTimeout(r, 300));
      const items = all(tree);
      const message = items.find(isMessage);
      assert.ok(message, 'a message item explains');
      // the figures read before the API went away stay, with their age
      assert.match(String(message.label), /^Usage as of \d\d:\d\d; metrics\.k8s\.io: No metrics API/);
      assert.match(String(message.description), /metrics-server/);
      const pods = items.filter(isPod);
      assert.ok(pods.length > 0);
      for (const p of pods) {
        if (/MiB/.test(before.get(String(p.label)) ?? '')) assert.match(String(p.description), /MiB/, String(p.label));
      }
    } finally {
      await cluster.admin('/metrics-available', { available: true });
    }
  });

  test('a 403 on pods is a message line naming the verb and resource, with the RBAC hint', async function () {
    this.timeout(30_000);
    await cluster.admin('/deny', { verb: 'list', resource: 'pods', namespace: 'default' });
    try {
      await vscode.commands.executeCommand('memoryTriage.refresh');
      const s = await waitForSnapshot(tree, 'a pods error', (s) => s.podsError?.kind === 'forbidden', 15_000);
      assert.equal(s.podsError!.message, 'Forbidden (403): you may not list pods in namespace "default".');
      const message = tree.provider.getChildren().find(isMessage);
      assert.equal(message?.label, s.podsError!.message);
      assert.match(String(message?.description), /Ask for RBAC permission to "list" "pods" in default/);
    } finally {
      await cluster.admin('/allow', {});
    }
  });

  // A slow server keeps each refresh in flight long enough for something to happen under it.
  async function whileSlow(body: () => Promise<void>, ms = 1500): Promise<void> {
    await cluster.admin('/delay', { ms });
    try {
      await body();
    } finally {
      await cluster.admin('/delay', { ms: 0 });
    }
  }
  const checkPodMemory = () => Promise.resolve(vscode.commands.executeCommand('memoryTriage.checkPodMemory') as Thenable<string | undefined>);
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  test('two overlapping Check Pod Memory runs share one refresh and both judge the pods', async function () {
    this.timeout(30_000);
    await whileSlow(async () => {
      const [a, b] = await Promise.all([checkPodMemory(), sleep(200).then(checkPodMemory)]);
      for (const summary of [a, b]) assert.match(summary ?? 'no answer', /^2 pod\(s\) in emulator \/ default \/ app=api: /);
    });
  });

  test('a refresh overtaken by a scope change answers for the new scope', async function () {
    this.timeout(30_000);
    try {
      await whileSlow(async () => {
        const refreshed = tree.refresh();
        const summary = checkPodMemory(); // joins the refresh in flight
        await sleep(300);
        await config().update('labelSelector', 'app=billing', vscode.ConfigurationTarget.Global);
        const s = await refreshed;
        assert.ok(s?.listed, `listed (got ${s ? 'an unlisted snapshot' : 'nothing'})`);
        assert.equal(s.session.labelSelector, 'app=billing');
        assert.deepEqual(s.pods.map((p) => p.workload.name), ['billing']);
        assert.match((await summary) ?? 'no answer', /^1 pod\(s\) in emulator \/ default \/ app=billing: 0 at or above 80%/);
      });
    } finally {
      await config().update('labelSelector', 'app=api', vscode.ConfigurationTarget.Global);
    }
  });

  test('a scope that keeps changing under Check Pod Memory gets "interrupted", not "0 pods"', async function () {
    this.timeout(30_000);
    try {
      await whileSlow(async () => {
        const summary = checkPodMemory();
        // More changes than a refresh follows, each before the slow list can land.
        for (const selector of ['app=billing', 'app=api', 'app=billing', 'app=api', 'app=billing']) {
          await sleep(100);
          await config().update('labelSelector', selector, vscode.ConfigurationTarget.Global);
        }
        assert.equal(await summary, undefined, 'nothing judged');
      }, 5000);
    } finally {
      await config().update('labelSelector', 'app=api', vscode.ConfigurationTarget.Global);
    }
  });

  test('hiding the view during Check Pod Memory still answers it, then stops polling', async function () {
    this.timeout(30_000);
    await vscode.commands.executeCommand('memoryTriage.pods.focus');
    try {
      await whileSlow(async () => {
        const summary = checkPodMemory();
        await sleep(300);
        await vscode.commands.executeCommand('workbench.view.explorer');
        assert.match((await summary) ?? 'no answer', /^2 pod\(s\) in emulator \/ default \/ app=api: /);
      });
      assert.equal(tree.view.visible, false);
      let redraws = 0;
      const sub = tree.onDidChangeSnapshot(() => redraws++);
      await sleep(5000); // metricsInterval is 2 s
      sub.dispose();
      assert.equal(redraws, 0, 'no polling once answered with the view hidden');
    } finally {
      await vscode.commands.executeCommand('memoryTriage.pods.focus');
    }
  });

  test('no kubeconfig: a message line that opens Select Context; step 1 answers at once', async function () {
    this.timeout(20_000);
    await config().update('kubeconfig', '/nonexistent/kubeconfig', vscode.ConfigurationTarget.Global);
    try {
      await new Promise((r) => setTimeout(r, 500));
      const [first] = tree.provider.getChildren();
      assert.ok(first && isMessage(first), 'one message item');
      assert.equal(first.label, 'No kubeconfig found at /nonexistent/kubeconfig.');
      assert.equal(first.command?.command, 'memoryTriage.selectContext');
      assert.equal(tree.session, undefined);
      assert.equal(await vscode.commands.executeCommand('memoryTriage.checkPodMemory'), undefined, 'step 1 answers at once');
    } finally {
      await config().update('kubeconfig', cluster.kubeconfigPath, vscode.ConfigurationTarget.Global);
    }
  });
});
