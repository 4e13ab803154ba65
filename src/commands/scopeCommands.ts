// The scope of the pod tree: which context, namespace and label selector. Each pick is kept per
// workspace by the ScopeStore, which reopens the tree on change.
import * as vscode from 'vscode';
import { ClusterError } from '../cluster/clusterError.ts';
import { ALL_NAMESPACES, listContexts, listNamespaces, validateSelector } from '../cluster/session.ts';
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

const ENTER = 'Enter a namespace…';

// Offers the cluster's namespaces when the user may list them, else a free-text box, since many
// on-call users are bound to a few namespaces and cannot list the rest.
export async function selectNamespace(ctx: CommandContext): Promise<void> {
  const session = ctx.pods.ensureSession();
  let names: string[] = [];
  let note = '';
  if (session) {
    try {
      names = await listNamespaces(session);
    } catch (err) {
      note = err instanceof ClusterError ? err.message : String(err);
      ctx.log.warn(`selectNamespace: ${note}`);
    }
  }
  const current = ctx.pods.session?.namespace;
  const items: vscode.QuickPickItem[] = [
    { label: 'All namespaces', description: ALL_NAMESPACES, picked: current === undefined },
    { label: ENTER, description: note || undefined },
    { label: '', kind: vscode.QuickPickItemKind.Separator },
    ...names.map((n) => ({ label: n, picked: n === current, description: n === current ? 'current' : undefined })),
  ];
  const pick = await vscode.window.showQuickPick(items, { title: 'Memory Triage: Select Namespace', placeHolder: `Now: ${current ?? 'all namespaces'}` });
  if (!pick) return;
  let namespace = pick.label === 'All namespaces' ? ALL_NAMESPACES : pick.label;
  if (pick.label === ENTER) {
    const typed = await vscode.window.showInputBox({
      title: 'Namespace',
      value: current ?? '',
      validateInput: (v) => (/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(v) ? undefined : 'A namespace is a DNS label: lower case letters, digits and "-".'),
    });
    if (!typed) return;
    namespace = typed;
  }
  await ctx.scopes.pick({ namespace });
}

/** `picked`: a selector offered by the tree (a click on "Use app=api"); else asked for. */
export async function setLabelSelector(ctx: CommandContext, picked?: unknown): Promise<void> {
  if (typeof picked === 'string' && validateSelector(picked) === undefined) {
    await ctx.scopes.pick({ labelSelector: picked.trim() });
    return;
  }
  const value = await vscode.window.showInputBox({
    title: 'Memory Triage: Label Selector',
    prompt: 'Which pods to watch, as for kubectl -l (the runbook uses app=api). Empty: every pod of the namespace.',
    value: ctx.scopes.scope.labelSelector,
    validateInput: validateSelector,
  });
  if (value === undefined) return;
  await ctx.scopes.pick({ labelSelector: value.trim() });
}
