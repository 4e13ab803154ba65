// Option D, Scale Out: more replicas through the scale subresource; when a HorizontalPodAutoscaler
// targets the workload it would scale them back, so that is said and its minReplicas is offered
// instead. Both through the guarded path.
import * as vscode from 'vscode';
import { hpaMinReplicasSpec, hpaOf, isScalable, scaleSpec } from '../cluster/scaleChange.ts';
import { ClusterError } from '../cluster/clusterError.ts';
import { recordAction, runGuardedChange, type GuardedResult } from './guardedChange.ts';
import type { CommandContext } from './index.ts';
import { resolveWorkload } from './resolveTarget.ts';
import { rolloutFollower } from './restartWorkload.ts';

export async function scaleOut(ctx: CommandContext, item?: unknown): Promise<GuardedResult | undefined> {
  const resolved = await resolveWorkload(ctx, item, 'scale', 'Scale out which workload?');
  if (!resolved) return undefined;
  const { session, target } = resolved;
  const name = `${target.kind} ${target.namespace}/${target.name}`;
  const record = (detail: string, outcome: 'refused' | 'failed' = 'refused') => {
    recordAction(ctx, { action: 'scale', target: { context: session.contextName, namespace: target.namespace, kind: target.kind, name: target.name }, change: '', outcome, detail: `${detail} Nothing was changed.` });
    return { outcome, detail } as const;
  };
  if (!isScalable(target.kind)) {
    const reason = `${name} runs one pod per node: a DaemonSet has no replicas to scale.`;
    void vscode.window.showWarningMessage(`Memory Triage: ${reason}`);
    return record(reason);
  }
  let hpa;
  try {
    hpa = await hpaOf(session.kubeConfig, target.kind, target.namespace, target.name);
  } catch (err) {
    const message = err instanceof ClusterError ? `${err.message} ${err.hint}` : String(err);
    void vscode.window.showErrorMessage(`Memory Triage: ${message}`);
    return record(message, 'failed');
  }
  const follow = { follow: rolloutFollower(ctx, target.kind, target.namespace, target.name), followTitle: `Scaling ${name}` };
  if (hpa) {
    const hpaName = hpa.metadata?.name ?? '';
    const min: number = hpa.spec?.minReplicas ?? 1;
    const max: number = hpa.spec?.maxReplicas ?? min;
    const choice = await vscode.window.showWarningMessage(`HorizontalPodAutoscaler ${hpaName} manages ${name}`, {
      modal: true,
      detail: `It keeps the replicas between ${min} and ${max}; a scale would be undone by it. Raise its minReplicas instead?`,
    }, 'Raise minReplicas...');
    if (!choice) return record(`HorizontalPodAutoscaler ${hpaName} manages ${name}; not changed.`);
    const wanted = await askCount(`minReplicas of HorizontalPodAutoscaler ${hpaName} (now ${min}, maxReplicas ${max})`, Math.min(min + 1, max), 1);
    if (wanted === undefined) return undefined;
    return runGuardedChange(ctx, hpaMinReplicasSpec(target.namespace, hpaName, wanted), { verb: 'Raise minReplicas', ...follow });
  }
  const now: number = target.object.spec?.replicas ?? 1;
  const wanted = await askCount(`Replicas of ${name} (now ${now})`, now + 1, 0);
  if (wanted === undefined) return undefined;
  return runGuardedChange(ctx, scaleSpec(target.kind, target.namespace, target.name, wanted), { verb: 'Scale', ...follow });
}

async function askCount(title: string, value: number, least: number): Promise<number | undefined> {
  const text = await vscode.window.showInputBox({
    title,
    value: String(value),
    validateInput: (v) => (/^\d{1,4}$/.test(v.trim()) && Number(v) >= least ? undefined : `A whole number, at least ${least}`),
  });
  return text === undefined ? undefined : Number(text.trim());
}
