import * as vscode from 'vscode';
import { ago, gaugeText, podDescription } from '../triage/describe.ts';
import { oomKilledPods } from '../triage/oomHistory.ts';
import { byPressure, podPercent, worstContainer } from '../triage/pressure.ts';
import type { CommandContext } from './index.ts';
import { freshSnapshot, offerPick, pickAndReveal, type PodChoice } from './podActions.ts';

const HOUR_MS = 3_600_000;

// Runbook step 1 ("kubectl top pods -l app=api" + the OOMKilled jsonpath): refresh, then say how
// many pods are above the threshold and which were OOM-killed in the last hour.
export async function checkPodMemory(ctx: CommandContext): Promise<string | undefined> {
  const snapshot = await freshSnapshot(ctx);
  if (!snapshot) return undefined;
  const t = ctx.pods.thresholds;
  const now = new Date();
  const hot = snapshot.pods.filter((p) => (podPercent(p) ?? 0) >= t.warning).sort(byPressure);
  const recentOom = oomKilledPods(snapshot.pods, new Date(now.getTime() - HOUR_MS));
  const metricsNote = snapshot.metricsError ? ` Usage unknown: ${snapshot.metricsError.message}` : '';
  const summary =
    `${snapshot.pods.length} pod(s) in ${snapshot.session.describe()}: ${hot.length} at or above ${t.warning}% of a limit, ` +
    `${recentOom.length} OOMKilled in the last hour.${metricsNote}`;
  ctx.log.info(`Step 1: ${summary}`);
  for (const pod of hot) ctx.log.info(`  ${pod.ref.namespace}/${pod.ref.name}: ${podDescription(pod, now)}`);
  for (const kill of recentOom) ctx.log.info(`  OOMKilled: ${kill.pod.ref.namespace}/${kill.pod.ref.name} ${kill.container}${kill.at ? ` ${ago(kill.at, now)}` : ''}`);

  const choices = new Map<string, PodChoice>();
  for (const kill of recentOom) {
    choices.set(kill.pod.uid, { pod: kill.pod, description: `$(error) OOMKilled ${kill.at ? ago(kill.at, now) : ''} (${kill.container})`, detail: podDescription(kill.pod, now) });
  }
  for (const pod of hot) {
    if (!choices.has(pod.uid)) choices.set(pod.uid, { pod, description: `$(warning) ${gaugeText(worstContainer(pod)!)}` });
  }
  if (choices.size === 0) {
    void vscode.window.showInformationMessage(`Memory Triage: ${summary} Expected: memory < ${t.warning}% of limit — met.`);
    return summary;
  }
  // The summary is the result; picking a pod to reveal is an offer, not a step.
  offerPick(ctx, `Memory Triage: ${summary}`, 'Show Pods', () => [...choices.values()], `Step 1: pods above ${t.warning}% or OOMKilled in the last hour`);
  return summary;
}

// Every pod in scope whose status still remembers an OOM kill, newest first (the runbook's
// jsonpath query, but over all containers, not only containerStatuses[0]).
export async function findOomKilled(ctx: CommandContext): Promise<number | undefined> {
  const snapshot = await freshSnapshot(ctx);
  if (!snapshot) return undefined;
  const now = new Date();
  const kills = oomKilledPods(snapshot.pods);
  ctx.log.info(`OOMKilled pods in ${snapshot.session.describe()}: ${kills.length}`);
  if (kills.length === 0) {
    void vscode.window.showInformationMessage(`Memory Triage: no OOMKilled pods in ${snapshot.session.describe()}.`);
    return 0;
  }
  await pickAndReveal(
    ctx,
    kills.map((k) => ({
      pod: k.pod,
      description: `${k.container} OOMKilled ${k.at ? ago(k.at, now) : ''}${(snapshot.oomCounts.get(k.pod.uid) ?? 0) > 1 ? ` · seen ×${snapshot.oomCounts.get(k.pod.uid)}` : ''}`,
      detail: podDescription(k.pod, now),
    })),
    `OOMKilled pods, newest first (${kills.length})`,
  );
  return kills.length;
}
