import * as vscode from 'vscode';
import { ClusterError } from '../cluster/clusterError.ts';
import { listNamespaces } from '../cluster/namespaces.ts';
import { ALL_NAMESPACES } from '../cluster/session.ts';
import type { CommandContext } from './index.ts';

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
