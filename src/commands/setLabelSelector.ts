import * as vscode from 'vscode';
import { validateSelector } from '../cluster/labelSelector.ts';
import type { CommandContext } from './index.ts';

export async function setLabelSelector(ctx: CommandContext): Promise<void> {
  const value = await vscode.window.showInputBox({
    title: 'Memory Triage: Label Selector',
    prompt: 'Which pods to watch, as for kubectl -l (the runbook uses app=api). Empty: every pod of the namespace.',
    value: ctx.scopes.scope.labelSelector,
    validateInput: validateSelector,
  });
  if (value === undefined) return;
  await ctx.scopes.pick({ labelSelector: value.trim() });
}
