import * as vscode from 'vscode';
import { kubectlCommandsFor, kubectlCommandsForScope } from '../triage/kubectlCommand.ts';
import type { PodMemory } from '../triage/model.ts';
import type { CommandContext } from './index.ts';

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
