import * as vscode from 'vscode';
import * as path from 'node:path';
import { COMMAND_IDS } from './commandIds.ts';
import type { Core, ExtensionApi } from './core.ts';
import { PodViewHost } from './views/podViewHost.ts';
import { TREND_VIEW_TYPE } from './views/viewIds.ts';

// The entry VS Code requires: small, so activation is quick on every window the view or a command
// wakes. It registers what VS Code needs from activate (the commands, the Pods view, the trend
// panel's serializer) and requires the rest, client-node with it, from the second bundle
// (dist/core.js, built from core.ts) the first time one of them is used.
export function activate(context: vscode.ExtensionContext): ExtensionApi {
  const log = vscode.window.createOutputChannel('Memory Triage', { log: true });
  const version = (context.extension.packageJSON as { version?: string }).version ?? 'dev';
  log.info(`Kube Memory Triage ${version} activated`);
  let core: Core | undefined;
  const load = (): Core => {
    if (core) return core;
    const started = performance.now();
    // a path esbuild does not follow: core.js is its own bundle beside this one
    const module = require(path.join(__dirname, 'core.js')) as typeof import('./core.ts');
    core = module.activateCore(context, log, host);
    log.info(`Loaded the cluster layer in ${Math.round(performance.now() - started)} ms`);
    return core;
  };
  const host = new PodViewHost(() => void load());
  // a bundle that cannot load (a broken install) is said once per command, not an unhandled rejection
  const run = async (id: (typeof COMMAND_IDS)[number], args: unknown[]): Promise<unknown> => {
    let loaded: Core;
    try {
      loaded = load();
    } catch (err) {
      log.error(`Could not load dist/core.js: ${err instanceof Error && err.stack ? err.stack : String(err)}`);
      void vscode.window.showErrorMessage(`Memory Triage could not load: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
    return loaded.run(id, args);
  };
  context.subscriptions.push(
    log, host,
    ...COMMAND_IDS.map((id) => vscode.commands.registerCommand(id, (...args: unknown[]) => run(id, args))),
    // After a reload VS Code hands back the panel it had open with the state the page saved.
    vscode.window.registerWebviewPanelSerializer(TREND_VIEW_TYPE, { deserializeWebviewPanel: (panel, saved) => load().api.trend.revive(panel, saved) }),
  );
  // For the extension-host tests and other extensions: each part loads the rest when first read.
  return {
    get pods() { return load().api.pods; },
    get trend() { return load().api.trend; },
    get allocations() { return load().api.allocations; },
    get pools() { return load().api.pools; },
    get incidents() { return load().api.incidents; },
  };
}

export function deactivate(): void {}
