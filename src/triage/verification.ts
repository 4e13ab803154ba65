import type { PodMemory } from './model.ts';
import { lastOomKill } from './oomHistory.ts';
import { containerPercent, initDone, shownPercent, type Thresholds } from './pressure.ts';

export interface VerificationFailure {
  readonly pod: PodMemory;
  readonly reasons: readonly string[];
}

export interface Verdict {
  readonly pass: boolean;
  readonly checked: number;
  readonly since: Date;
  readonly failures: readonly VerificationFailure[];
  /** One line for a notification: "PASS: 3 pods under 80%, no OOMKilled since 14:02". */
  readonly summary: string;
}

// The runbook's Verification: every pod under the threshold, and no OOMKilled since the
// resolution. A pod we cannot measure does not pass: "no metrics" is not "under 80%".
export function verifyRecovery(pods: readonly PodMemory[], since: Date, t: Thresholds): Verdict {
  const failures: VerificationFailure[] = [];
  for (const pod of pods) {
    const reasons: string[] = [];
    for (const c of pod.containers) {
      if (initDone(c)) continue; // a completed init container has nothing left to measure
      const pct = containerPercent(c);
      if (c.workingSetBytes === undefined && pod.phase === 'Running') reasons.push(`${c.name}: no metrics, usage unknown`);
      else if (pct !== undefined && pct >= t.warning) reasons.push(`${c.name} at ${shownPercent(pct)}% of its limit (≥ ${t.warning}%)`);
      if (c.state.kind === 'waiting' && c.state.reason === 'CrashLoopBackOff') reasons.push(`${c.name} in CrashLoopBackOff`);
    }
    const kill = lastOomKill(pod);
    if (kill?.at && kill.at.getTime() >= since.getTime()) {
      reasons.push(`${kill.container} OOMKilled at ${kill.at.toISOString()}`);
    }
    if (reasons.length > 0) failures.push({ pod, reasons });
  }
  const pass = pods.length > 0 && failures.length === 0;
  const when = since.toISOString().replace('T', ' ').slice(0, 16);
  const summary =
    pods.length === 0
      ? 'FAIL: no pods in scope to verify.'
      : pass
        ? `PASS: ${pods.length} pod(s) under ${t.warning}% of their limits, no OOMKilled since ${when} UTC.`
        : `FAIL: ${failures.length} of ${pods.length} pod(s) fail (${t.warning}% threshold, OOMKilled since ${when} UTC).`;
  return { pass, checked: pods.length, since, failures, summary };
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
