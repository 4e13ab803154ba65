// Option B, Raise Memory Limit: for one container of the workload (by name), propose a limit
// from its history (triage/limitRecommendation.ts: Prometheus' peak over the history days and
// the OOM kills, the LimitRange cap, node room), show the figures in an editable input box, then
// the guarded path (diff, dry run of the workload and of a pod of the new template, modal, apply)
// and follow the rollout as Restart does.
import * as vscode from 'vscode';
import { raiseLimitSpec } from '../cluster/limitChange.ts';
import { readLimitRoom } from '../cluster/limitContext.ts';
import { readContainerHistory, type ContainerHistory } from '../prometheus/limitHistory.ts';
import { Keys, SECTION } from '../config.ts';
import { recommendLimit } from '../triage/limitRecommendation.ts';
import { oomKilledPods } from '../triage/oomHistory.ts';
import { parseMemory } from '../triage/quantity.ts';
import { kubeAccess } from '../views/kubeAccess.ts';
import { runGuardedChange, type GuardedResult } from './guardedChange.ts';
import type { CommandContext } from './index.ts';
import { pickContainer, resolveWorkload } from './resolveTarget.ts';
import { rolloutFollower } from './restartWorkload.ts';

export async function raiseMemoryLimit(ctx: CommandContext, item?: unknown): Promise<GuardedResult | undefined> {
  const resolved = await resolveWorkload(ctx, item, 'raise-limit', 'Raise the memory limit of which workload?');
  if (!resolved) return undefined;
  const { session, target } = resolved;
  const containers: { name?: string; resources?: { limits?: { memory?: string }; requests?: { memory?: string } } }[] = target.object.spec?.template?.spec?.containers ?? [];
  const container = await pickContainer(item, containers.map((c) => c.name ?? '').filter(Boolean));
  if (!container) return undefined;
  const spec = containers.find((c) => c.name === container);
  const days = Math.min(90, Math.max(1, Math.round(vscode.workspace.getConfiguration(SECTION).get<number>(Keys.recommendationHistoryDays, 7))));
  const name = `${target.kind} ${target.namespace}/${target.name}`;
  const [history, room] = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Reading ${days} days of ${container}'s memory` }, () =>
    Promise.all([readHistory(ctx, session.contextName, target.kind, target.namespace, target.name, container, days), readLimitRoom(session.kubeConfig, target.namespace)]));
  // Kills the pods still remember count when Prometheus has none (no kube-state-metrics).
  const podsKilled = oomKilledPods((ctx.pods.snapshot?.pods ?? []).filter((p) => p.workload.namespace === target.namespace && p.workload.name === target.name)).filter((k) => k.container === container);
  const currentLimitBytes = parseMemory(spec?.resources?.limits?.memory);
  const recommendation = recommendLimit({
    historyDays: days,
    peakBytes: history.peakBytes,
    kills: Math.max(history.kills, podsKilled.length),
    limitAtLastKillBytes: history.limitAtLastKillBytes ?? (podsKilled.length ? currentLimitBytes : undefined),
    currentLimitBytes,
    currentRequestBytes: parseMemory(spec?.resources?.requests?.memory),
    limitRangeMax: room.limitRangeMax,
    nodes: room.nodes,
  });
  const notes = [...history.notes, ...room.unread];
  for (const line of [...recommendation.figures, ...recommendation.warnings, ...notes]) ctx.log.info(`Raise limit ${name} ${container}: ${line}`);
  const value = await vscode.window.showInputBox({
    title: `Memory limit of ${container} in ${name} (now ${spec?.resources?.limits?.memory ?? 'none'})`,
    prompt: [...recommendation.figures, ...recommendation.warnings, ...notes].join(' · '),
    value: recommendation.limit,
    ignoreFocusOut: true,
    validateInput: (v) => {
      const bytes = parseMemory(v);
      if (bytes === undefined || bytes <= 0 || !/^\d+(\.\d+)?(Ki|Mi|Gi|Ti|k|M|G|T)?$/.test(v.trim())) return 'A memory quantity such as 768Mi or 2Gi';
      if (room.limitRangeMax && bytes > room.limitRangeMax.bytes) return { message: `Above LimitRange ${room.limitRangeMax.name}'s maximum: the dry run of the new pods will refuse it.`, severity: vscode.InputBoxValidationSeverity.Warning };
      return undefined;
    },
  });
  if (!value) return undefined;
  return runGuardedChange(ctx, raiseLimitSpec(target.kind, target.namespace, target.name, container, value.trim()), {
    verb: 'Raise Limit',
    follow: rolloutFollower(ctx, target.kind, target.namespace, target.name),
    followTitle: `Rollout of ${name}`,
  });
}

async function readHistory(ctx: CommandContext, context: string, kind: 'Deployment' | 'StatefulSet' | 'DaemonSet', namespace: string, name: string, container: string, days: number): Promise<ContainerHistory & { notes: string[] }> {
  try {
    const client = await ctx.prometheus.clientFor(() => kubeAccess(ctx.pods, context));
    const scope = { kind: 'workload' as const, namespace, workload: kind, name, labels: ctx.prometheus.labels(context) };
    const history = await readContainerHistory(client, ctx.prometheus.metrics(), scope, container, days);
    for (const q of history.queries) ctx.log.info(`Raise limit: ${client.where}: ${q}`);
    return { ...history, notes: [] };
  } catch (err) {
    return { kills: 0, queries: [], notes: [`Prometheus gave no history: ${err instanceof Error ? err.message : String(err)}`] };
  }
}
