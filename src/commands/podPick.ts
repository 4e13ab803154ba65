import * as vscode from 'vscode';
import type { PodMemory } from '../triage/model.ts';
import type { CommandContext } from './index.ts';

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
