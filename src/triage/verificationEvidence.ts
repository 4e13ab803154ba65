import type { PodMemory } from './model.ts';

// What is known about the time since the moment, beyond the pods' own status (which keeps only
// one previous termination per container and forgets a pod once it is replaced).

/** An OOM kill the tree saw while it watched, kept after its pod is gone. */
export interface SeenKill {
  readonly namespace: string;
  readonly pod: string;
  /** The pod's workload name ("api" of Deployment api), so a replacement's predecessor is found. */
  readonly workload: string;
  readonly container: string;
  readonly at: Date | undefined;
}

/** Prometheus' view of one container since the moment (kube-state-metrics). */
export interface PrometheusContainerFacts {
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
  /** increase(kube_pod_container_status_restarts_total) over the time since the moment. */
  readonly restartsSince: number;
  /** kube_pod_container_status_last_terminated_reason == 1, when Prometheus has it. */
  readonly lastTerminatedReason?: string;
}

export interface VerificationEvidence {
  readonly seenKills?: readonly SeenKill[];
  /** Undefined when Prometheus was not reachable (the verdict says it judged without it). */
  readonly prometheus?: readonly PrometheusContainerFacts[];
}

/**
 * "14:02 UTC+1" / "2026-12-01 14:02 UTC+5:30": local time with its offset, as a time typed in
 * local time is meant (the offset is computed, not a zone name that depends on the ICU data).
 */
export function localTime(d: Date, now = new Date()): string {
  const off = -d.getTimezoneOffset();
  const zone = `UTC${off === 0 ? '' : `${off > 0 ? '+' : '-'}${Math.floor(Math.abs(off) / 60)}${Math.abs(off) % 60 ? `:${String(Math.abs(off) % 60).padStart(2, '0')}` : ''}`}`;
  const pad = (n: number) => String(n).padStart(2, '0');
  const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  const sameDay = d.getFullYear() === now.getFullYear() && d.getMonth() === now.getMonth() && d.getDate() === now.getDate();
  const day = sameDay ? '' : `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} `;
  return `${day}${hm} ${zone}`;
}

// A pod's status gives times in whole seconds (RFC 3339): a kill in the same second as the moment
// may have come after it, so it counts as since (a doubtful kill fails the verdict, never passes it).
const after = (at: Date | undefined, since: Date) => at !== undefined && at.getTime() >= Math.floor(since.getTime() / 1000) * 1000;

/** The OOM kills since the moment for one pod in scope, from its status, the tree's record and Prometheus; one line each. */
export function killsSince(pod: PodMemory, since: Date, evidence: VerificationEvidence, now = new Date()): string[] {
  const lines = new Map<string, string>();
  for (const c of pod.containers) {
    const t = c.lastTermination;
    if (t?.reason === 'OOMKilled' && after(t.finishedAt, since)) lines.set(`${c.name}@${t.finishedAt!.getTime()}`, `${c.name} OOMKilled at ${localTime(t.finishedAt!, now)}`);
    if (c.state.kind === 'terminated' && c.state.reason === 'OOMKilled' && (c.state.since === undefined || after(c.state.since, since))) {
      lines.set(`${c.name}@now`, `${c.name} OOMKilled${c.state.since ? ` at ${localTime(c.state.since, now)}` : ''} (not restarted yet)`);
    }
  }
  for (const k of evidence.seenKills ?? []) {
    if (k.namespace !== pod.ref.namespace || k.pod !== pod.ref.name || !after(k.at, since)) continue;
    lines.set(`${k.container}@${k.at!.getTime()}`, `${k.container} OOMKilled at ${localTime(k.at!, now)}`);
  }
  for (const f of evidence.prometheus ?? []) {
    if (f.namespace !== pod.ref.namespace || f.pod !== pod.ref.name || f.restartsSince <= 0 || f.lastTerminatedReason !== 'OOMKilled') continue;
    if (![...lines.keys()].some((k) => k.startsWith(`${f.container}@`))) lines.set(`${f.container}@prom`, `${f.container} OOMKilled since the moment (Prometheus: last termination OOMKilled, ${f.restartsSince} restart(s))`);
  }
  return [...lines.values()];
}

/** Restarts since the moment, named: from Prometheus when it answered, else what the status shows. */
export function restartsSince(pod: PodMemory, since: Date, evidence: VerificationEvidence, now = new Date()): string[] {
  return pod.containers.flatMap((c) => {
    const prom = evidence.prometheus?.find((f) => f.namespace === pod.ref.namespace && f.pod === pod.ref.name && f.container === c.name);
    const t = c.lastTermination;
    const last = t && after(t.finishedAt, since) ? ` (last: ${t.reason} at ${localTime(t.finishedAt!, now)})` : '';
    if (prom && prom.restartsSince > 0) return [`${c.name} restarted ${Math.round(prom.restartsSince)}× since the moment${last}`];
    // A pod created after the moment: every restart it counts is since then.
    if (after(pod.createdAt, since) && c.restartCount > 0) return [`${c.name} restarted ${c.restartCount}× since the moment${last}`];
    return last ? [`${c.name} restarted since the moment${last}`] : [];
  });
}

/** Kills the tree saw on pods of this pod's workload that are gone now (replaced since the moment). */
export function predecessorKills(pods: readonly PodMemory[], since: Date, evidence: VerificationEvidence, now = new Date()): string[] {
  const present = new Set(pods.map((p) => `${p.ref.namespace}/${p.ref.name}`));
  const workloads = new Set(pods.map((p) => `${p.ref.namespace}/${p.workload.name}`));
  const seen = (evidence.seenKills ?? [])
    .filter((k) => after(k.at, since) && !present.has(`${k.namespace}/${k.pod}`) && workloads.has(`${k.namespace}/${k.workload}`))
    .map((k) => `${k.namespace}/${k.pod} (${k.workload}, replaced since): ${k.container} OOMKilled at ${localTime(k.at!, now)}`);
  // Prometheus keeps a replaced pod's series: "api-7d9f8c6b5-x2k4q" belongs to workload "api".
  const named = [...workloads].map((w) => w + '-');
  const prom = (evidence.prometheus ?? [])
    .filter((f) => f.restartsSince > 0 && f.lastTerminatedReason === 'OOMKilled' && !present.has(`${f.namespace}/${f.pod}`) && named.some((w) => `${f.namespace}/${f.pod}`.startsWith(w)))
    .filter((f) => !seen.some((line) => line.startsWith(`${f.namespace}/${f.pod} `)))
    .map((f) => `${f.namespace}/${f.pod} (replaced since): ${f.container} OOMKilled (Prometheus)`);
  return [...seen, ...prom];
}
