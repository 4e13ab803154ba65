import type { PodMemory, WorkloadRef } from '../triage/model.ts';
import type { TrendTarget } from './trendPanel.ts';

// What a tree item means as a trend: a pod is itself; a workload is every pod its controller has
// had in the window (replaced pods included, which is the point after an OOM kill).

export function targetForPod(pod: PodMemory): TrendTarget {
  return {
    title: `${pod.ref.namespace} / ${pod.ref.name}`,
    context: pod.ref.context,
    scope: { kind: 'pods', namespace: pod.ref.namespace, names: [pod.ref.name] },
    pods: [pod],
  };
}

export function targetForWorkload(workload: WorkloadRef, pods: readonly PodMemory[], context: string): TrendTarget {
  if (workload.kind === 'Pod') {
    return { ...targetForPod(pods[0]!), pods };
  }
  return {
    title: `${workload.namespace} / ${workload.kind} ${workload.name}`,
    context: pods[0]?.ref.context ?? context,
    scope: { kind: 'workload', namespace: workload.namespace, workload: workload.kind, name: workload.name },
    pods,
  };
}

/** Tree items (pod, container, workload) or a bare PodMemory, told apart by their fields. */
export function targetForItem(item: unknown, context: string): TrendTarget | undefined {
  if (typeof item !== 'object' || item === null) return undefined;
  const candidate = item as { pod?: PodMemory; workload?: WorkloadRef; pods?: readonly PodMemory[]; ref?: unknown };
  if (candidate.workload && candidate.pods && candidate.pods.length > 0) return targetForWorkload(candidate.workload, candidate.pods, context);
  if (candidate.pod?.ref) return targetForPod(candidate.pod);
  if (candidate.ref) return targetForPod(item as PodMemory);
  return undefined;
}

/**
 * The target's pods with the facts the tree lists now (limits, the last termination), matched by
 * context, namespace and name or owning workload. A pod the tree no longer lists keeps the facts
 * it had: its samples are still in the window.
 */
export function currentPods(target: TrendTarget, listed: readonly PodMemory[]): readonly PodMemory[] {
  const { scope } = target;
  const inScope = (p: PodMemory) =>
    p.ref.context === target.context &&
    p.ref.namespace === scope.namespace &&
    (scope.kind === 'pods' ? scope.names.includes(p.ref.name) : p.workload.kind === scope.workload && p.workload.name === scope.name);
  const fresh = listed.filter(inScope);
  if (fresh.length === 0) return target.pods;
  const names = new Set(fresh.map((p) => p.ref.name));
  return [...fresh, ...target.pods.filter((p) => !names.has(p.ref.name))];
}
