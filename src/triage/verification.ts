import { podStatus } from './describe.ts';
import type { PodMemory } from './model.ts';
import { containerPercent, initDone, shownPercent, type Thresholds } from './pressure.ts';
import { killsSince, localTime, predecessorKills, restartsSince, type VerificationEvidence } from './verificationEvidence.ts';

export interface VerificationFailure {
  readonly pod: PodMemory;
  readonly reasons: readonly string[];
}

export interface Verdict {
  readonly pass: boolean;
  /** Pods judged: every pod in scope but the skipped ones. */
  readonly checked: number;
  readonly since: Date;
  readonly failures: readonly VerificationFailure[];
  /** The runbook's "memory < 80% of limit" alone, as step 1 says it too. */
  readonly memory: 'met' | 'not met' | 'could not be checked';
  /** Pods whose usage could not be judged, and why; they are failures too. */
  readonly unmeasured: readonly VerificationFailure[];
  /** Completed pods (a Job's, phase Succeeded): nothing runs to measure; only an OOM kill since fails them. */
  readonly skipped: readonly PodMemory[];
  /** OOM kills in pods of the scope's workloads that were replaced since the moment; they fail the verdict. */
  readonly replaced: readonly string[];
  /** Restarts since the moment, named ("api-1: api restarted 2× since the moment (last: Error at 14:10 CET)"). */
  readonly restarts: readonly string[];
  /** One line for a notification: "PASS: 3 pods under 80%, no OOMKilled since 14:02". */
  readonly summary: string;
}

/**
 * Why a pod's memory cannot be judged against its limits: it is not Running, or one of its
 * containers is not running and ready, or has no metrics. Empty when it can. "Pending",
 * "Evicted" or "no metrics" is not "under 80%"; Check Pod Memory and Verify Recovery both use this.
 */
export function unmeasuredReasons(pod: PodMemory): string[] {
  if (pod.phase !== 'Running') return [phaseReason(pod)];
  const reasons: string[] = [];
  for (const c of pod.containers) {
    if (initDone(c)) continue; // a completed init container has nothing left to measure
    if (c.state.kind === 'waiting') reasons.push(`${c.name} in ${c.state.reason ?? 'waiting'}`);
    else if (c.state.kind === 'terminated') reasons.push(`${c.name} terminated (${c.state.reason ?? 'no reason given'})`);
    else if (!c.ready) reasons.push(`${c.name} running but not ready`);
    if (c.state.kind === 'running' && c.workingSetBytes === undefined) reasons.push(`${c.name}: no metrics, usage unknown`);
  }
  return reasons;
}

// "Pending: Unschedulable", "Failed: Evicted", "Pending: Init:CrashLoopBackOff", "Failed: api OOMKilled".
function phaseReason(pod: PodMemory): string {
  const status = podStatus(pod);
  if (status !== pod.phase) return `${pod.phase}: ${status}`;
  const ended = pod.containers.find((c) => c.state.kind === 'terminated' && c.state.reason && !initDone(c));
  return ended ? `${pod.phase}: ${ended.name} ${ended.state.reason}` : pod.phase;
}

function overThreshold(pod: PodMemory, t: Thresholds): string[] {
  return pod.containers.flatMap((c) => {
    const pct = containerPercent(c);
    return pct !== undefined && pct >= t.warning ? [`${c.name} at ${shownPercent(pct)}% of its limit (≥ ${t.warning}%)`] : [];
  });
}

/** Containers whose limit is missing: "under 80% of its limit" means nothing for them. */
function noLimit(pod: PodMemory): string[] {
  if (pod.phase !== 'Running') return [];
  return pod.containers.filter((c) => !initDone(c) && c.limitBytes === undefined).map((c) => `${c.name}: cannot be judged: no limit`);
}

// The runbook's Verification: every pod under the threshold, and no OOMKilled since the
// resolution, judged from everything known (status, kills the tree saw, Prometheus, pods replaced
// since). A pod we cannot measure, or without a limit, does not pass, whatever its phase.
export function verifyRecovery(pods: readonly PodMemory[], since: Date, t: Thresholds, evidence: VerificationEvidence = {}, now = new Date()): Verdict {
  const failures: VerificationFailure[] = [];
  const unmeasured: VerificationFailure[] = [];
  const skipped: PodMemory[] = [];
  const restarts: string[] = [];
  let hot = 0;
  for (const pod of pods) {
    const killed = killsSince(pod, since, evidence, now);
    restarts.push(...restartsSince(pod, since, evidence, now).map((r) => `${pod.ref.name}: ${r}`));
    if (pod.phase === 'Succeeded' && killed.length === 0) {
      skipped.push(pod);
      continue;
    }
    const over = overThreshold(pod, t);
    const unknown = pod.phase === 'Succeeded' ? [] : [...unmeasuredReasons(pod), ...noLimit(pod)];
    if (over.length > 0) hot++;
    if (unknown.length > 0) unmeasured.push({ pod, reasons: unknown });
    const reasons = [...over, ...unknown, ...killed];
    if (reasons.length > 0) failures.push({ pod, reasons });
  }
  const replaced = predecessorKills(pods, since, evidence, now);
  const checked = pods.length - skipped.length;
  const pass = checked > 0 && failures.length === 0 && replaced.length === 0;
  const memory = hot > 0 ? 'not met' : checked > 0 && unmeasured.length === 0 ? 'met' : 'could not be checked';
  const when = localTime(since, now);
  const skippedNote = skipped.length > 0 ? ` ${skipped.length} completed pod(s) skipped.` : '';
  const unmeasuredNote = unmeasured.length > 0 ? `, ${unmeasured.length} could not be measured` : '';
  const replacedNote = replaced.length > 0 ? ` ${replaced.length} OOM kill(s) in pods replaced since.` : '';
  const restartNote = restarts.length > 0 ? ` Restarts since: ${restarts.join('; ')}.` : '';
  const promNote = evidence.prometheus ? '' : ' (Prometheus not reachable: judged from the pods\' status and the kills seen)';
  const summary =
    pods.length === 0
      ? 'FAIL: no pods in scope to verify.'
      : checked === 0
        ? `FAIL: no running pods to verify.${skippedNote}`
        : pass
          ? `PASS: ${checked} pod(s) under ${t.warning}% of their limits, no OOMKilled since ${when}${promNote}.${restartNote}${skippedNote}`
          : `FAIL: ${failures.length} of ${checked} pod(s) fail${unmeasuredNote} (${t.warning}% threshold, OOMKilled since ${when}).${replacedNote}${restartNote}${skippedNote}`;
  return { pass, checked, since, failures, memory, unmeasured, skipped, replaced, restarts, summary };
}

/** "14:05" (local time today) or an ISO date, as typed in Verify Recovery; undefined when neither. */
export function parseSince(text: string, today = new Date()): Date | undefined {
  const hm = /^(\d{1,2}):(\d{2})$/.exec(text.trim());
  if (hm) {
    const d = new Date(today);
    d.setHours(Number(hm[1]), Number(hm[2]), 0, 0);
    return Number(hm[1]) < 24 && Number(hm[2]) < 60 ? d : undefined;
  }
  const d = new Date(text.trim());
  return text.trim() && !Number.isNaN(d.getTime()) ? d : undefined;
}
