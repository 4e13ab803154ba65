import * as vscode from 'vscode';
import { ago, gaugeText, podDescription } from '../triage/describe.ts';
import { oomKilledPods } from '../triage/oomHistory.ts';
import { clockTime, measuredPods } from '../triage/metricsAge.ts';
import { PODS_KEPT, podFigures, podTarget } from '../triage/incidentFigures.ts';
import { byPressure, podPercent, worstContainer } from '../triage/pressure.ts';
import { verifyRecovery, type Verdict } from '../triage/verification.ts';
import type { CommandContext } from './index.ts';
import { freshSnapshot, offerPick, pickAndReveal, type PodChoice } from './podActions.ts';

const HOUR_MS = 3_600_000;

// Runbook step 1 ("kubectl top pods -l app=api" + the OOMKilled jsonpath): refresh, then say how
// many pods are above the threshold and which were OOM-killed in the last hour. "Expected: memory
// < 80% of limit" is judged by Verify Recovery's rules, so the two never disagree: "met" only when
// there are pods and every one was measured; a pod without metrics, Pending or Evicted is named.
export async function checkPodMemory(ctx: CommandContext): Promise<string | undefined> {
  const snapshot = await freshSnapshot(ctx);
  if (!snapshot) return undefined;
  const t = ctx.pods.thresholds;
  const now = new Date();
  const hourAgo = new Date(now.getTime() - HOUR_MS);
  const verdict = verifyRecovery(measuredPods(snapshot), hourAgo, t);
  const hot = snapshot.pods.filter((p) => (podPercent(p) ?? 0) >= t.warning).sort(byPressure);
  const recentOom = oomKilledPods(snapshot.pods, hourAgo);
  const metricsNote = snapshot.metricsError ? ` Usage not measured now${snapshot.metricsAt ? ` (last read ${clockTime(snapshot.metricsAt)})` : ''}: ${snapshot.metricsError.message}` : '';
  const skippedNote = verdict.skipped.length > 0 ? ` ${verdict.skipped.length} completed pod(s) skipped.` : '';
  const summary =
    `${snapshot.pods.length} pod(s) in ${snapshot.session.describe()}: ${hot.length} at or above ${t.warning}% of a limit, ` +
    `${recentOom.length} OOMKilled in the last hour.${skippedNote}${metricsNote}`;
  const message = `${summary} Expected: memory < ${t.warning}% of limit — ${expectation(verdict)}.`;
  ctx.log.info(`Step 1: ${message}`);
  for (const pod of hot) ctx.log.info(`  ${pod.ref.namespace}/${pod.ref.name}: ${podDescription(pod, now)}`);
  for (const kill of recentOom) ctx.log.info(`  OOMKilled: ${kill.pod.ref.namespace}/${kill.pod.ref.name} ${kill.container}${kill.at ? ` ${ago(kill.at, now)}` : ''}`);
  for (const u of verdict.unmeasured) ctx.log.info(`  not measured: ${u.pod.ref.namespace}/${u.pod.ref.name}: ${u.reasons.join('; ')}`);
  ctx.timeline.record({
    kind: 'measurement', at: now.toISOString(), step: 1, summary: message,
    targets: [...new Set([...recentOom.map((k) => k.pod), ...hot])].map((p) => podTarget(p.ref)),
    figures: { pods: snapshot.pods.length, [`at or above ${t.warning}%`]: hot.length, 'OOMKilled in the last hour': recentOom.length },
    pods: podFigures([...snapshot.pods].sort(byPressure).slice(0, PODS_KEPT)),
    oomKilled: recentOom.map((k) => k.pod.ref.name),
  });

  const choices = new Map<string, PodChoice>();
  for (const kill of recentOom) {
    choices.set(kill.pod.uid, { pod: kill.pod, description: `$(error) OOMKilled ${kill.at ? ago(kill.at, now) : ''} (${kill.container})`, detail: podDescription(kill.pod, now) });
  }
  for (const pod of hot) {
    if (!choices.has(pod.uid)) choices.set(pod.uid, { pod, description: `$(warning) ${gaugeText(worstContainer(pod)!)}` });
  }
  for (const u of verdict.unmeasured) {
    if (!choices.has(u.pod.uid)) choices.set(u.pod.uid, { pod: u.pod, description: `$(question) ${u.reasons[0]}`, detail: u.reasons.slice(1).join('; ') || undefined });
  }
  if (choices.size === 0) {
    // nothing to show, but "met" only when there were pods to measure
    if (verdict.memory === 'met') void vscode.window.showInformationMessage(`Memory Triage: ${message}`);
    else void vscode.window.showWarningMessage(`Memory Triage: ${message}`);
    return message;
  }
  // The message is the result; picking a pod to reveal is an offer, not a step.
  offerPick(ctx, `Memory Triage: ${message}`, 'Show Pods', () => [...choices.values()], `Step 1: pods above ${t.warning}%, OOMKilled in the last hour, or not measured`);
  return message;
}

// "met", "not met", or why not: the pods it could not measure, named (the first few).
function expectation(verdict: Verdict): string {
  if (verdict.memory !== 'could not be checked') return verdict.memory;
  if (verdict.checked === 0) return `could not be checked: no ${verdict.skipped.length > 0 ? 'running ' : ''}pods in scope`;
  const named = verdict.unmeasured.slice(0, 3).map((u) => `${u.pod.ref.name} (${u.reasons[0]})`);
  const more = verdict.unmeasured.length > 3 ? ` and ${verdict.unmeasured.length - 3} more` : '';
  return `could not be checked, not measured: ${named.join(', ')}${more}`;
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
