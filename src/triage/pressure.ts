import type { ContainerMemory, PodMemory, WorkloadRef } from './model.ts';
import { lastOomKill } from './oomHistory.ts';

export interface Thresholds {
  readonly warning: number; // percent, the runbook's 80
  readonly critical: number; // percent, 90
}

export const RUNBOOK_THRESHOLDS: Thresholds = { warning: 80, critical: 90 };

/** How a gauge is drawn: by percent, or why there is no percent. */
export type Level = 'normal' | 'warning' | 'critical' | 'no-limit' | 'no-metrics';

/** Working set as a percent of the container's own limit; undefined without both. */
export function containerPercent(c: ContainerMemory): number | undefined {
  if (c.workingSetBytes === undefined || !c.limitBytes) return undefined;
  // Multiplied first so that exactly 80% of the limit is 80, not 79.99999999999999.
  return (c.workingSetBytes * 100) / c.limitBytes;
}

// A shown percent is floored, never rounded: rounded, 79.6% reads "80%" while the level is still
// normal, and 99.5% reads "100%" though the kubelet has not killed anything yet.
export function shownPercent(percent: number): number {
  return Math.floor(percent);
}

export function levelOf(c: ContainerMemory, t: Thresholds): Level {
  if (c.workingSetBytes === undefined) return 'no-metrics';
  const pct = containerPercent(c);
  if (pct === undefined) return 'no-limit';
  return pct >= t.critical ? 'critical' : pct >= t.warning ? 'warning' : 'normal';
}

/** A plain init container that completed: not running is what it should be, and nothing is left to measure. */
export function initDone(c: ContainerMemory): boolean {
  return c.role === 'init' && c.state.kind === 'terminated' && c.state.reason === 'Completed';
}

// The kubelet OOM-kills per container against that container's limit, so a pod is under as
// much pressure as its most pressed container. Summing usage over all containers but limits
// over only the limited ones (what k9s does) gives figures above 100% that mean nothing.
export function worstContainer(pod: PodMemory): ContainerMemory | undefined {
  let worst: ContainerMemory | undefined;
  let worstPct = -1;
  for (const c of pod.containers) {
    const pct = containerPercent(c);
    if (pct !== undefined && pct > worstPct) {
      worst = c;
      worstPct = pct;
    }
  }
  return worst;
}

export function podPercent(pod: PodMemory): number | undefined {
  const worst = worstContainer(pod);
  return worst ? containerPercent(worst) : undefined;
}

export function podLevel(pod: PodMemory, t: Thresholds): Level {
  const worst = worstContainer(pod);
  if (worst) return levelOf(worst, t);
  return pod.containers.some((c) => c.workingSetBytes !== undefined) ? 'no-limit' : 'no-metrics';
}

/** What a pod's gauge icon draws: its level and percent, a pod down after an OOM kill drawn full and critical. */
export function podGauge(pod: PodMemory, t: Thresholds): { level: Level; percent: number | undefined } {
  const pct = sortPercent(pod);
  if (pct !== undefined && pct >= 100 && podPercent(pod) === undefined) return { level: 'critical', percent: 100 };
  return { level: podLevel(pod, t), percent: podPercent(pod) };
}

// For ordering (and the icon): a container that was OOM-killed and is not running again
// (back-off, no metrics yet) is at its limit in every sense that matters to the on-call engineer.
function sortPercent(pod: PodMemory): number | undefined {
  const down = pod.containers.some((c) => c.state.kind !== 'running' && !initDone(c) && c.lastTermination?.reason === 'OOMKilled');
  const pct = podPercent(pod);
  return down ? Math.max(100, pct ?? 0) : pct;
}

/** Highest percent first (an OOM-killed container still down counts as 100%); pods without a percent last, by name. */
export function byPressure(a: PodMemory, b: PodMemory): number {
  const pa = sortPercent(a);
  const pb = sortPercent(b);
  if (pa !== undefined && pb !== undefined && pa !== pb) return pb - pa;
  if (pa !== undefined && pb === undefined) return -1;
  if (pa === undefined && pb !== undefined) return 1;
  return a.ref.namespace.localeCompare(b.ref.namespace) || a.ref.name.localeCompare(b.ref.name);
}

export interface WorkloadGroup {
  readonly workload: WorkloadRef;
  /** Sorted by pressure. */
  readonly pods: readonly PodMemory[];
  readonly percent: number | undefined;
}

export function workloadKey(w: WorkloadRef): string {
  return `${w.kind}/${w.namespace}/${w.name}`;
}

/** Pods grouped by owning workload, the most pressed workload first; bare pods go last. */
export function groupByWorkload(pods: readonly PodMemory[]): WorkloadGroup[] {
  const groups = new Map<string, PodMemory[]>();
  for (const pod of pods) {
    const key = workloadKey(pod.workload);
    const list = groups.get(key);
    if (list) list.push(pod);
    else groups.set(key, [pod]);
  }
  const result = [...groups.values()].map((list): WorkloadGroup => {
    const sorted = [...list].sort(byPressure);
    return { workload: sorted[0]!.workload, pods: sorted, percent: podPercent(sorted[0]!) };
  });
  return result.sort((a, b) => {
    const bareA = a.workload.kind === 'Pod' ? 1 : 0;
    const bareB = b.workload.kind === 'Pod' ? 1 : 0;
    if (bareA !== bareB) return bareA - bareB;
    return byPressure(a.pods[0]!, b.pods[0]!) || workloadKey(a.workload).localeCompare(workloadKey(b.workload));
  });
}

/** What the Pods view's filter keeps: a pod at or above the warning threshold, or OOM-killed. */
export function isHot(pod: PodMemory, t: Thresholds): boolean {
  return (podPercent(pod) ?? 0) >= t.warning || lastOomKill(pod) !== undefined;
}
