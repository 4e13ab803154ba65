// The small actions the runbook commands share: refresh the pods, offer them in a quick pick,
// reveal one in the tree, copy the kubectl equivalent.
import * as vscode from 'vscode';
import { answered, type PodSnapshot } from '../cluster/podMonitor.ts';
import { kubectlCommandsFor, kubectlCommandsForScope } from '../triage/kubectlCommand.ts';
import type { PodMemory } from '../triage/model.ts';
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
  // An empty list nobody asked the cluster for must not be judged as "no pods".
  if (!answered(snapshot)) {
    void vscode.window.showWarningMessage('Memory Triage: the refresh was interrupted (the scope changed while it ran); nothing was judged. Run the command again.');
    return undefined;
  }
  if (snapshot.podsError && snapshot.pods.length === 0) {
    void vscode.window.showErrorMessage(`Memory Triage: ${snapshot.podsError.message} ${snapshot.podsError.hint}`);
    return undefined;
  }
  return snapshot;
}

export interface PodChoice {
  readonly pod: PodMemory;
  readonly description: string;
  readonly detail?: string;
}

/** A quick pick of pods; the chosen one is revealed and selected in the tree. */
export async function pickAndReveal(ctx: CommandContext, choices: readonly PodChoice[], title: string): Promise<PodMemory | undefined> {
  const pick = await vscode.window.showQuickPick(
    choices.map((c) => ({ label: c.pod.ref.name, description: c.description, detail: c.detail, choice: c })),
    { title, matchOnDescription: true, matchOnDetail: true },
  );
  if (!pick) return undefined;
  await vscode.commands.executeCommand('memoryTriage.pods.focus');
  await ctx.pods.reveal(pick.choice.pod.uid);
  return pick.choice.pod;
}

/**
 * A warning with a button that opens the pick. Not awaited by the command (its result is the
 * summary, and a test or a keybinding must not wait on a click), so its failures are logged here.
 */
export function offerPick(ctx: CommandContext, message: string, button: string, choices: () => readonly PodChoice[], title: string): void {
  vscode.window.showWarningMessage(message, button).then(
    (clicked) => (clicked ? pickAndReveal(ctx, choices(), title) : undefined),
  ).then(undefined, (err: unknown) => ctx.log.error(`${title}: ${err instanceof Error ? err.message : String(err)}`));
}

// Only text for the clipboard: the extension itself never runs kubectl.
export async function copyKubectlCommand(ctx: CommandContext, item?: { pod?: PodMemory }): Promise<string | undefined> {
  const pod = item?.pod;
  const session = ctx.pods.session;
  const text = pod ? kubectlCommandsFor(pod) : session ? kubectlCommandsForScope(session.contextName, session.namespace, session.labelSelector) : undefined;
  if (!text) {
    void vscode.window.showWarningMessage('Memory Triage: open the Pods view on a cluster first.');
    return undefined;
  }
  await vscode.env.clipboard.writeText(text);
  void vscode.window.showInformationMessage(`Memory Triage: copied the runbook's step 1 command${pod ? ` for ${pod.ref.name}` : ''}.`);
  return text;
}

/** Reveals a pod by uid or by name (e.g. from the trend webview or a report link). */
export async function revealPod(ctx: CommandContext, target: string | { uid?: string; name?: string; namespace?: string }): Promise<boolean> {
  ctx.pods.start();
  const pods = ctx.pods.snapshot?.pods ?? [];
  const pod =
    typeof target === 'string'
      ? pods.find((p) => p.uid === target || p.ref.name === target)
      : pods.find((p) => (target.uid && p.uid === target.uid) || (p.ref.name === target.name && (!target.namespace || p.ref.namespace === target.namespace)));
  if (!pod) return false;
  await vscode.commands.executeCommand('memoryTriage.pods.focus');
  await ctx.pods.reveal(pod.uid);
  return true;
}
