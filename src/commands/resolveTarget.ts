// What Options B and D act on: the tree row or palette pick, refused early in read-only or
// untrusted mode, then the workload found through the pod's owner references (ownerChain.ts).
import * as vscode from 'vscode';
import { ClusterError } from '../cluster/clusterError.ts';
import { restartTargetOfPod, type RestartTarget } from '../cluster/ownerChain.ts';
import type { ClusterSession } from '../cluster/session.ts';
import { changesRefused, recordAction } from './guardedChange.ts';
import type { CommandContext } from './index.ts';
import { asPicked, pickWorkload, type Picked } from './restartWorkload.ts';

export type Resolved = { readonly session: ClusterSession; readonly picked: Picked; readonly target: Extract<RestartTarget, { type: 'workload' }> };

export async function resolveWorkload(ctx: CommandContext, item: unknown, action: string, title: string): Promise<Resolved | undefined> {
  const session = ctx.pods.session ?? ctx.pods.ensureSession();
  const picked = asPicked(item) ?? asPicked(ctx.pods.view.selection[0]) ?? (await pickWorkload(ctx, title));
  if (!picked) return undefined;
  const end = (reason: string, outcome: 'refused' | 'failed') => {
    void vscode.window.showErrorMessage(`Memory Triage: ${reason}`);
    recordAction(ctx, { action, target: { context: session?.contextName ?? '', ...picked }, change: '', outcome, detail: `${reason} Nothing was changed.` });
    return undefined;
  };
  const refused = changesRefused();
  if (refused || !session) return end(refused ?? 'No cluster is open: open the Pods view on a cluster first.', 'refused');
  try {
    const target = await restartTargetOfPod(session.kubeConfig, picked.namespace, picked.name);
    if (target.type !== 'workload') return end(target.reason, 'refused');
    ctx.log.info(`${action} ${picked.namespace}/${picked.name}: ${target.chain}`);
    return { session, picked, target };
  } catch (err) {
    return end(err instanceof ClusterError ? `${err.message} ${err.hint}` : String(err), 'failed');
  }
}

/** The container a row names, or the one to pick among the template's. */
export async function pickContainer(item: unknown, names: readonly string[]): Promise<string | undefined> {
  const named = (item as { container?: { name?: unknown } } | undefined)?.container?.name;
  if (typeof named === 'string' && names.includes(named)) return named;
  if (names.length === 1) return names[0];
  return vscode.window.showQuickPick([...names], { title: 'Raise the memory limit of which container?' });
}
