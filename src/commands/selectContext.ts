import * as vscode from 'vscode';
import { ClusterError } from '../cluster/clusterError.ts';
import { listContexts } from '../cluster/session.ts';
import type { CommandContext } from './index.ts';

// Lists the kubeconfig's contexts (all KUBECONFIG files merged, as kubectl sees them).
export async function selectContext(ctx: CommandContext): Promise<void> {
  let contexts: ReturnType<typeof listContexts>;
  try {
    contexts = listContexts(ctx.scopes.kubeconfigPath.value || undefined);
  } catch (err) {
    const message = err instanceof ClusterError ? `${err.message} ${err.hint}` : String(err);
    ctx.log.error(`selectContext: ${message}`);
    const open = await vscode.window.showErrorMessage(`Memory Triage: ${message}`, 'Open Settings');
    if (open) await vscode.commands.executeCommand('workbench.action.openSettings', 'memoryTriage.kubeconfig');
    return;
  }
  const chosen = ctx.scopes.scope.context || contexts.current;
  const items = contexts.contexts.map((c) => ({
    label: c.name,
    description: `${c.cluster} · ${c.namespace}`,
    detail: c.name === contexts.current ? 'current context of the kubeconfig' : undefined,
    picked: c.name === chosen,
    iconPath: new vscode.ThemeIcon(c.name === chosen ? 'check' : 'server-environment'),
  }));
  if (items.length === 0) {
    void vscode.window.showWarningMessage('Memory Triage: the kubeconfig defines no contexts.');
    return;
  }
  const pick = await vscode.window.showQuickPick(items, { title: 'Memory Triage: Select Cluster Context', placeHolder: `Now: ${chosen || 'none'}` });
  if (!pick) return;
  await ctx.scopes.pick({ context: pick.label });
  await vscode.commands.executeCommand('memoryTriage.pods.focus');
}
