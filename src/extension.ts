import * as vscode from 'vscode';
import { registerCommands } from './commands/index.ts';

// Builds the objects and hands them to VS Code; no cluster call happens here. Work starts when
// the view becomes visible or a command runs.
export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Memory Triage', { log: true });
  const version = (context.extension.packageJSON as { version?: string }).version ?? 'dev';
  log.info(`Kube Memory Triage ${version} activated`);

  context.subscriptions.push(log, ...registerCommands({ log, extension: context }));
}

export function deactivate(): void {}
