import * as vscode from 'vscode';
import { targetForItem, targetForPod } from '../views/trendTargets.ts';
import type { TrendPanel, TrendTarget } from '../views/trendPanel.ts';
import { oomKilledNames, podFigures, podTarget, trendFigures } from '../triage/incidentFigures.ts';
import type { PrometheusConnections } from '../views/prometheusConnection.ts';
import type { CommandContext } from './index.ts';

// Runbook step 2 from the palette or a pod/workload item: the trend of that pod or workload.
// From the palette, the tree's selection, else a pick among the pods the tree shows.
export async function showTrend(ctx: CommandContext, trend: TrendPanel, item?: unknown): Promise<void> {
  const context = ctx.pods.session?.contextName ?? '';
  let target = targetForItem(item, context) ?? targetForItem(ctx.pods.view.selection[0], context);
  if (!target) {
    const pods = ctx.pods.snapshot?.pods ?? [];
    if (pods.length === 0) {
      void vscode.window.showInformationMessage('Memory Triage: open the Pods view and choose a pod to chart its memory trend.');
      await vscode.commands.executeCommand('memoryTriage.pods.focus');
      return;
    }
    const pick = await vscode.window.showQuickPick(
      pods.map((p) => ({ label: p.ref.name, description: p.ref.namespace, pod: p })),
      { title: 'Memory trend of which pod?', matchOnDescription: true },
    );
    if (!pick) return;
    target = targetForPod(pick.pod);
  }
  await trend.show(target);
  recordTrend(ctx, target, trend);
}

/** The trend as loaded, in the incident's timeline: slope, time to the limit and verdict per container. */
function recordTrend(ctx: CommandContext, target: TrendTarget, trend: TrendPanel): void {
  const { status, range } = trend.current;
  const summary = status.kind === 'ready'
    ? `${target.title} over ${range}: ${status.rows.map((r) => `${r.pod}/${r.container} ${r.verdictText}`).join('; ') || 'no samples'}`
    : `${target.title} over ${range}: ${status.kind === 'error' ? `could not load: ${status.message}` : status.kind === 'empty' ? status.message : 'still loading'}`;
  ctx.timeline.record({
    kind: 'measurement', at: new Date().toISOString(), step: 2, summary,
    targets: target.pods.map((p) => podTarget(p.ref)),
    ...(status.kind === 'ready' ? { figures: trendFigures(status.rows) } : {}),
    pods: podFigures(target.pods),
    oomKilled: oomKilledNames(target.pods),
  });
}

/** Discover Prometheus again in the current context and choose among the services found. */
export async function selectPrometheus(ctx: CommandContext, connections: PrometheusConnections, trend: TrendPanel): Promise<void> {
  // A pick would be stored and then never used: say which setting decides instead of asking.
  const setting = connections.overridingSetting();
  if (setting) {
    const open = 'Open Setting';
    // not awaited: the command ends now, the button works as long as the notification is there
    void vscode.window
      .showInformationMessage(`Memory Triage: "${setting}" is set, so the trend uses it and no service is picked. Clear it to choose a Prometheus service in the cluster.`, open)
      .then(async (choice) => {
        if (choice === open) await vscode.commands.executeCommand('workbench.action.openSettings', setting);
      });
    return;
  }
  const session = ctx.pods.session;
  if (!session) {
    void vscode.window.showInformationMessage('Memory Triage: open the Pods view first, so a cluster context is chosen.');
    return;
  }
  let chosen;
  try {
    chosen = await connections.chooseService(session);
  } catch (err) {
    // The old choice is forgotten either way: an open trend says the failure too, and the
    // notification keeps the hint (how to set the service or URL), not only the message.
    if (trend.isOpen) await trend.load();
    const hint = (err as { hint?: unknown } | undefined)?.hint;
    if (err instanceof Error && typeof hint === 'string') throw new Error(`${err.message} ${hint}`, { cause: err });
    throw err;
  }
  if (chosen && trend.isOpen) await trend.load();
}
