import * as vscode from 'vscode';
import { registerCommands } from './commands/index.ts';
import { PodTree } from './views/podTree.ts';
import { PodStatusBar } from './views/statusBar.ts';
import { ScopeStore } from './views/scopeStore.ts';

// Builds the objects and hands them to VS Code; no cluster call happens here. Work starts when
// the view becomes visible or a command runs.
export function activate(context: vscode.ExtensionContext): { pods: PodTree } {
  const log = vscode.window.createOutputChannel('Memory Triage', { log: true });
  const version = (context.extension.packageJSON as { version?: string }).version ?? 'dev';
  log.info(`Kube Memory Triage ${version} activated`);

  const scopes = new ScopeStore(context.workspaceState);
  const pods = new PodTree(scopes, log);
  const statusBar = new PodStatusBar(pods);

  context.subscriptions.push(log, scopes, pods, statusBar, ...registerCommands({ log, extension: context, pods, scopes }));
  // For the extension-host tests and other extensions: the live tree (session, snapshot, events).
  return { pods };
}

export function deactivate(): void {}
