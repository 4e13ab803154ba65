import * as vscode from 'vscode';
import type { Logger } from '../logger.ts';

// Everything a command handler may use; extension.ts builds it once.
export interface CommandContext {
  readonly log: vscode.LogOutputChannel & Logger;
  readonly extension: vscode.ExtensionContext;
}

type Handler = (...args: any[]) => unknown;

// One name -> handler record. Each runbook step or action lives in its own file and adds
// its entries here; package.json declares the same ids with their titles and menus.
export function createCommands(ctx: CommandContext): Record<string, Handler> {
  return {
    'memoryTriage.showLog': () => ctx.log.show(true),
    'memoryTriage.selectContext': () =>
      vscode.window.showInformationMessage('Memory Triage: cluster selection arrives with the pod tree.'),
  };
}

export function registerCommands(ctx: CommandContext): vscode.Disposable[] {
  const commands = createCommands(ctx);
  return Object.entries(commands).map(([id, handler]) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await handler(...args);
      } catch (err) {
        // A failing command says so once, in words, and leaves the detail in the log.
        const message = err instanceof Error ? err.message : String(err);
        ctx.log.error(`${id} failed: ${err instanceof Error && err.stack ? err.stack : message}`);
        void vscode.window.showErrorMessage(`Memory Triage: ${message}`);
        return undefined;
      }
    }),
  );
}
