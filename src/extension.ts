import * as vscode from 'vscode';
import { registerCommands } from './commands/index.ts';
import { PodTree } from './views/podTree.ts';
import { PodStatusBar } from './views/statusBar.ts';
import { ScopeStore } from './views/scopeStore.ts';
import { kubeAccess } from './views/kubeAccess.ts';
import { PrometheusConnections } from './views/prometheusConnection.ts';
import { TrendPanel } from './views/trendPanel.ts';

// Builds the objects and hands them to VS Code; no cluster call happens here. Work starts when
// the view becomes visible or a command runs.
export function activate(context: vscode.ExtensionContext): { pods: PodTree; trend: TrendPanel } {
  const log = vscode.window.createOutputChannel('Memory Triage', { log: true });
  const version = (context.extension.packageJSON as { version?: string }).version ?? 'dev';
  log.info(`Kube Memory Triage ${version} activated`);

  const scopes = new ScopeStore(context.workspaceState);
  const pods = new PodTree(scopes, log);
  const statusBar = new PodStatusBar(pods);
  const prometheus = new PrometheusConnections(context, log);
  const trend = new TrendPanel({
    extensionUri: context.extensionUri,
    connections: prometheus,
    access: (ctxName) => kubeAccess(pods, ctxName),
    thresholds: () => pods.thresholds,
    selections: pods.view.onDidChangeSelection,
    listedPods: () => pods.snapshot?.pods ?? [],
    log,
  });

  context.subscriptions.push(log, scopes, pods, statusBar, prometheus, trend, ...registerCommands({ log, extension: context, pods, scopes, trend, prometheus }));
  // For the extension-host tests and other extensions: the live tree (session, snapshot, events).
  return { pods, trend };
}

export function deactivate(): void {}
