// The trend panel's automatic refresh against the emulator and a real Prometheus: it takes the
// pods' facts from the tree at each load (an OOM kill after the panel opened shows as a marker
// without kube-state-metrics), it stops after a failure only the user can fix (the pick among two
// Prometheus services dismissed) and keeps trying when Prometheus is only out of reach.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import type { PodTree } from '../../src/views/podTree.ts';
import type { PodItem, PodTreeNode } from '../../src/views/podTreeItems.ts';
import type { TrendPanel } from '../../src/views/trendPanel.ts';
import type { TrendStatus } from '../../src/webview/protocol.ts';
import { freePort, startLocalPrometheus, type LocalPrometheus } from '../integration/localPrometheus.ts';
import { activateExtension, until } from './helpers.ts';
import { startSuiteCluster, type SuiteCluster } from './podTreeCluster.ts';

const MIB = 1024 * 1024;
const config = () => vscode.workspace.getConfiguration('memoryTriage');
const settings: Record<string, unknown> = { labelSelector: 'app=api', namespace: 'default', context: '', metricsInterval: 2, 'trend.refreshSeconds': 5 };

/** Half an hour of working set and nothing else: a Prometheus without kube-state-metrics. */
function workingSetOnly(nowSeconds: number, pods: readonly string[]): string {
  const lines = ['# TYPE container_memory_working_set_bytes gauge'];
  for (let t = nowSeconds - 1800; t <= nowSeconds - 30; t += 15) {
    for (const pod of pods) lines.push(`container_memory_working_set_bytes{namespace="default",pod="${pod}",container="api"} ${50 * MIB} ${t}`);
  }
  return [...lines, '# EOF', ''].join('\n');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
type Ready = Extract<TrendStatus, { kind: 'ready' }>;
type Failed = Extract<TrendStatus, { kind: 'error' }>;

suite('trend panel refresh', () => {
  let prom: LocalPrometheus;
  let cluster: SuiteCluster;
  let trend: TrendPanel;
  let tree: PodTree;
  const status = () => trend.current.status;
  const ready = () => (status().kind === 'ready' ? (status() as Ready) : undefined);
  const failed = () => (status().kind === 'error' ? (status() as Failed) : undefined);
  const listed = (name: string) => tree.snapshot?.pods.find((p) => p.ref.name === name);
  const podItem = (name: string): Promise<PodItem> => {
    const all = (node?: PodTreeNode): PodTreeNode[] => tree.provider.getChildren(node).flatMap((n) => [n, ...all(n)]);
    return until(`${name} in the tree`, () => all().find((n): n is PodItem => /^memoryTriage\.pod/.test(n.contextValue ?? '') && (n as PodItem).pod.ref.name === name), 30_000);
  };

  suiteSetup(async function () {
    this.timeout(90_000);
    const extension = await activateExtension();
    ({ trend, pods: tree } = extension.exports as { trend: TrendPanel; pods: PodTree });
    prom = await startLocalPrometheus(workingSetOnly(Math.floor(Date.now() / 1000), ['api-oom-0', 'api-steady-0']));
    const http = (port: number) => [{ name: 'http', port }];
    cluster = await startSuiteCluster(extension.extensionPath, {
      prometheus: { enabled: false },
      readyDelayMs: 100,
      backoff: { baseMs: 60_000, maxMs: 60_000 },
      namespaces: ['default', 'observability'],
      pods: [
        // 40 of 100 MiB growing 90 MiB/min: OOM-killed ~40 s after the start
        { name: 'api-oom-0', labels: { app: 'api' }, container: { name: 'api', image: 'api:1', limits: { memory: '100Mi' }, memory: { startMiB: 40, leakMiBPerMinute: 90 } } },
        { name: 'api-steady-0', labels: { app: 'api' }, container: { name: 'api', image: 'api:1', limits: { memory: '256Mi' }, memory: { startMiB: 50 } } },
      ],
      // two Prometheus-like services, both in front of the same real Prometheus
      services: [
        { name: 'prometheus-server', namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'prometheus', 'app.kubernetes.io/component': 'server' }, ports: http(9090), proxyTarget: prom.url },
        { name: 'thanos-query', namespace: 'observability', labels: { 'app.kubernetes.io/name': 'thanos-query' }, ports: http(10902), proxyTarget: prom.url },
      ],
    });
    for (const [key, value] of Object.entries(settings)) await config().update(key, value, vscode.ConfigurationTarget.Global);
    await config().update('kubeconfig', cluster.kubeconfigPath, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('memoryTriage.pods.focus');
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    for (const key of [...Object.keys(settings), 'kubeconfig', 'prometheus.url']) await config().update(key, undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await cluster?.stop();
    await prom?.stop();
  });

  test('an OOM kill after the panel opened shows as a marker on the next refresh, from the tree\'s facts', async function () {
    this.timeout(90_000);
    await config().update('prometheus.url', prom.url, vscode.ConfigurationTarget.Global);
    const before = await until('the pod in the tree', () => listed('api-oom-0'), 30_000);
    assert.equal(before.containers[0]!.lastTermination, undefined, 'the pod was OOM-killed before the test could open its trend');
    // the pod as it was when clicked: no termination yet
    await vscode.commands.executeCommand('memoryTriage.showTrend', before);
    const first = await until('the trend', ready);
    assert.deepEqual(first.trend.events, []);
    assert.equal(first.trend.limits[0]?.samples[0]?.[1], 100 * MIB, 'the limit line comes from the pod spec');

    const killed = await until('the OOM kill in the tree', () => (listed('api-oom-0')?.containers[0]?.lastTermination?.reason === 'OOMKilled' ? listed('api-oom-0') : undefined), 60_000);
    const killedAt = killed.containers[0]!.lastTermination!.finishedAt!.getTime() / 1000;
    const marked = await until('a refresh with the OOM marker', () => (ready()?.trend.events.length ? ready() : undefined), 12_000);
    assert.deepEqual(marked.trend.events, [{ pod: 'api-oom-0', container: 'api', atSeconds: killedAt, kind: 'OOMKilled' }]);
  });

  test('a dismissed pick among two services: no load on its own, no pick again on a tree selection', async function () {
    this.timeout(60_000);
    await config().update('prometheus.url', undefined, vscode.ConfigurationTarget.Global);
    const clicked = await podItem('api-oom-0');
    void vscode.commands.executeCommand('memoryTriage.showTrend', clicked);
    // Escape on the pick, once it is there
    const error = await until('the dismissed pick', () => {
      void vscode.commands.executeCommand('workbench.action.closeQuickOpen');
      return failed();
    });
    assert.equal(error.message, 'No Prometheus service was chosen.');
    assert.match(error.hint ?? '', /Select Prometheus.*Refresh to try again\.$/);
    // refreshSeconds is 5: two intervals without a load (a load replaces the status object)
    await sleep(12_000);
    assert.equal(status(), error, 'the panel loaded again on its own');

    await tree.view.reveal(await podItem('api-steady-0'), { select: true, focus: false });
    const next = await until('the selected pod, without a pick', () => (trend.current.target?.title === 'default / api-steady-0' ? failed() : undefined), 5_000);
    assert.equal(next.message, 'No Prometheus service was chosen.');
  });

  test('"Select Prometheus" asks again; with a service chosen the panel refreshes on its own again', async function () {
    this.timeout(60_000);
    void vscode.commands.executeCommand('memoryTriage.selectPrometheus');
    // the first row is the Helm chart's server (the more specific selector)
    const first = await until('the chosen service', () => {
      void vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      return ready();
    });
    assert.match(first.trend.source, /service monitoring\/prometheus-server:9090/);
    const again = await until('a load nobody asked for', () => ((ready()?.loadedAt ?? 0) > first.loadedAt ? ready() : undefined), 12_000);
    assert.ok(again.loadedAt - first.loadedAt >= 4_500);
  });

  test('Prometheus out of reach: the panel keeps trying on its own', async function () {
    this.timeout(30_000);
    await config().update('prometheus.url', `http://127.0.0.1:${await freePort()}`, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('memoryTriage.showTrend', listed('api-steady-0'));
    const error = await until('the error', failed);
    assert.match(error.message, /Cannot reach Prometheus/);
    assert.doesNotMatch(error.hint ?? '', /Refresh to try again/);
    await until('a second try nobody asked for', () => (status() !== error && failed() ? failed() : undefined), 12_000);
  });
});
