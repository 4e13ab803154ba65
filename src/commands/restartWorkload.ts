// Option A, Restart Workload: from a pod row (its controllers are read up to the workload), a
// workload row, or the palette; the restart goes through the guarded path and its rollout is
// followed as `kubectl rollout status` follows it. A pod with no workload to restart is explained,
// and deleting it is offered only when a controller recreates it.
import * as vscode from 'vscode';
import type { ObjectKind } from '../cluster/kubeObject.ts';
import { restartTargetOfPod, restartTargetOfWorkload, type RestartTarget } from '../cluster/ownerChain.ts';
import { deletePodSpec, restartSpec } from '../cluster/restart.ts';
import { followRollout } from '../cluster/rolloutFollow.ts';
import type { RolloutKind } from '../cluster/rolloutStatus.ts';
import { ClusterError } from '../cluster/clusterError.ts';
import type { WorkloadRef } from '../triage/model.ts';
import { workloadKey } from '../triage/pressure.ts';
import { changesRefused, recordAction, runGuardedChange, type FollowUp, type GuardedResult } from './guardedChange.ts';
import type { CommandContext } from './index.ts';

/** What the command was run on: a pod (name) or a workload row, in a namespace. */
export interface Picked {
  readonly kind: ObjectKind;
  readonly namespace: string;
  readonly name: string;
}

export async function restartWorkload(ctx: CommandContext, item?: unknown): Promise<GuardedResult | undefined> {
  const session = ctx.pods.session ?? ctx.pods.ensureSession();
  const picked = asPicked(item) ?? asPicked(ctx.pods.view.selection[0]) ?? (await pickWorkload(ctx));
  if (!picked) return undefined;
  const refused = changesRefused();
  if (refused || !session) {
    const reason = refused ?? 'No cluster is open: open the Pods view on a cluster first.';
    void vscode.window.showErrorMessage(`Memory Triage: ${reason}`);
    recordAction(ctx, { action: 'restart', target: { context: session?.contextName ?? '', ...picked }, change: '', outcome: 'refused', detail: `${reason} Nothing was changed.` });
    return { outcome: 'refused', detail: reason };
  }
  let target: RestartTarget;
  try {
    target = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Finding the workload of ${picked.kind} ${picked.name}` }, () =>
      picked.kind === 'Pod' ? restartTargetOfPod(session.kubeConfig, picked.namespace, picked.name) : restartTargetOfWorkload(session.kubeConfig, picked.kind, picked.namespace, picked.name));
  } catch (err) {
    const message = err instanceof ClusterError ? `${err.message} ${err.hint}` : String(err);
    void vscode.window.showErrorMessage(`Memory Triage: ${message}`);
    recordAction(ctx, { action: 'restart', target: { context: session.contextName, ...picked }, change: '', outcome: 'failed', detail: `${message} (finding the workload; nothing was changed)` });
    return { outcome: 'failed', detail: message };
  }
  ctx.log.info(`Restart ${picked.kind} ${picked.namespace}/${picked.name}: ${target.chain}`);
  if (target.type === 'workload') {
    return runGuardedChange(ctx, restartSpec(target.kind, target.namespace, target.name), {
      verb: 'Restart',
      follow: rolloutFollower(ctx, target.kind, target.namespace, target.name),
      followTitle: `Rollout of ${target.kind} ${target.namespace}/${target.name}`,
    });
  }
  return notRestartable(ctx, session.contextName, picked, target);
}

async function notRestartable(ctx: CommandContext, context: string, picked: Picked, target: Extract<RestartTarget, { type: 'not-restartable' }>): Promise<GuardedResult> {
  const podName = target.pod?.metadata?.name;
  if (target.deletable && podName) {
    const owner = target.chain.split(' -> ')[1] ?? 'its controller';
    const choice = await vscode.window.showWarningMessage(`${target.reason}`, { modal: true, detail: `Delete pod ${podName} instead? ${owner} creates a replacement.` }, 'Delete Pod...');
    if (choice) return runGuardedChange(ctx, deletePodSpec(picked.namespace, podName, owner), { verb: 'Delete' });
  } else {
    void vscode.window.showWarningMessage(`Memory Triage: ${target.reason}`);
  }
  recordAction(ctx, { action: 'restart', target: { context, ...picked }, change: '', outcome: 'refused', detail: `${target.reason} Nothing was changed.` });
  return { outcome: 'refused', detail: target.reason };
}

/** The rollout in the progress notification, ended in words for the timeline. */
export function rolloutFollower(ctx: CommandContext, kind: RolloutKind, namespace: string, name: string): FollowUp {
  return async (_applied, report, signal, session) => {
    const result = await followRollout(session.kubeConfig, kind, namespace, name, {
      signal,
      onStatus: (s) => {
        report(s.message);
        ctx.log.info(`Rollout ${kind} ${namespace}/${name}: ${s.message}`);
      },
    });
    const last = result.status?.message ?? 'no status read';
    switch (result.outcome) {
      case 'done': return `rolled out: ${last}`;
      case 'failed': return `the rollout failed: ${last}. Pods of the old revision that are still ready keep serving; see kubectl describe ${kind.toLowerCase()} ${name} -n ${namespace}.`;
      case 'stopped': return `following stopped by the user; the rollout goes on (last seen: ${last})`;
      case 'lost': return `the connection to the cluster was lost while following; the rollout goes on, its state unknown (last seen: ${last})`;
      case 'timeout': return `still rolling out when following ended (last seen: ${last})`;
    }
  };
}

// A workload row is resolved through one of its pods too: the tree's workload name is inferred
// from the pod-template-hash, and the restart must act on the objects the owner references name.
export function asPicked(item: unknown): Picked | undefined {
  if (typeof item !== 'object' || item === null) return undefined;
  const c = item as { pods?: readonly { ref?: { namespace?: string; name?: string } }[]; pod?: { ref?: { namespace?: string; name?: string } }; ref?: { namespace?: string; name?: string }; containers?: unknown };
  // a bare PodMemory too (the trend panel's pod)
  const ref = c.pod?.ref ?? (Array.isArray(c.pods) ? c.pods[0]?.ref : undefined) ?? (Array.isArray(c.containers) ? c.ref : undefined);
  return ref?.name && ref.namespace ? { kind: 'Pod', namespace: ref.namespace, name: ref.name } : undefined;
}

export async function pickWorkload(ctx: CommandContext, title = 'Restart which workload?'): Promise<Picked | undefined> {
  const pods = ctx.pods.snapshot?.pods ?? [];
  if (pods.length === 0) {
    void vscode.window.showInformationMessage('Memory Triage: open the Pods view and choose a workload or a pod first.');
    await vscode.commands.executeCommand('memoryTriage.pods.focus');
    return undefined;
  }
  const workloads = new Map<string, { workload: WorkloadRef; pods: number; pod: string }>();
  for (const p of pods) {
    const key = workloadKey(p.workload);
    const seen = workloads.get(key);
    workloads.set(key, { workload: p.workload, pods: (seen?.pods ?? 0) + 1, pod: seen?.pod ?? p.ref.name });
  }
  const pick = await vscode.window.showQuickPick(
    [...workloads.values()].map((w) => ({ label: w.workload.name, description: `${w.workload.kind} · ${w.workload.namespace} · ${w.pods} pod${w.pods === 1 ? '' : 's'}`, w })),
    { title, matchOnDescription: true },
  );
  if (!pick) return undefined;
  return { kind: 'Pod', namespace: pick.w.workload.namespace, name: pick.w.pod };
}
