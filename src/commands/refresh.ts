import * as vscode from 'vscode';
import type { PodSnapshot } from '../cluster/podMonitor.ts';
import type { CommandContext } from './index.ts';

/** Re-lists the pods and reads metrics now, with a progress note on the view. */
export async function refreshPods(ctx: CommandContext): Promise<PodSnapshot | undefined> {
  return vscode.window.withProgress({ location: { viewId: 'memoryTriage.pods' }, title: 'Refreshing pods' }, () => ctx.pods.refresh());
}

/** Refreshes, then returns the snapshot when pods could be read; says why not otherwise. */
export async function freshSnapshot(ctx: CommandContext): Promise<PodSnapshot | undefined> {
  const snapshot = await refreshPods(ctx);
  if (!snapshot) {
    vscode.window.showErrorMessage('Memory Triage: no cluster is open; see the Pods view for why.', 'Select Context').then(
      (a) => a && vscode.commands.executeCommand('memoryTriage.selectContext'),
    ).then(undefined, (err: unknown) => ctx.log.error(`selectContext: ${String(err)}`));
    return undefined;
  }
  if (snapshot.podsError && snapshot.pods.length === 0) {
    void vscode.window.showErrorMessage(`Memory Triage: ${snapshot.podsError.message} ${snapshot.podsError.hint}`);
    return undefined;
  }
  return snapshot;
}
