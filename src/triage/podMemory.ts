import type { PodMetric, V1Container, V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import type { ContainerMemory, PodMemory, Termination, WorkloadRef } from './model.ts';
import { parseMemory } from './quantity.ts';

// Step 1's model: a V1Pod (spec + status) joined with its metrics.k8s.io entry. Usage is the
// working set, per container, as `kubectl top pods --containers` reports it.
export function buildPodMemory(pod: V1Pod, metric: PodMetric | undefined, context: string): PodMemory {
  const meta = pod.metadata ?? {};
  const usage = new Map((metric?.containers ?? []).map((c) => [c.name, parseMemory(c.usage?.memory)]));
  const statuses = byName(pod.status?.containerStatuses);
  const initStatuses = byName(pod.status?.initContainerStatuses);
  const app = (pod.spec?.containers ?? []).map((c) => containerOf(c, statuses.get(c.name), usage));
  // Native sidecars (Kubernetes 1.29+) run for the pod's whole life and are OOM-killed against their
  // own limit like any container. A plain init container is shown while the pod waits on it, or when
  // it was OOM-killed on the way; once it has completed cleanly there is nothing left to measure.
  const init = pod.spec?.initContainers ?? [];
  const sidecars = init.filter((c) => c.restartPolicy === 'Always').map((c) => containerOf(c, initStatuses.get(c.name), usage, 'sidecar'));
  const plainInit = init
    .filter((c) => c.restartPolicy !== 'Always' && !completedCleanly(initStatuses.get(c.name)))
    .map((c) => containerOf(c, initStatuses.get(c.name), usage, 'init'));
  return {
    ref: { context, namespace: meta.namespace ?? '', name: meta.name ?? '' },
    uid: meta.uid ?? `${meta.namespace}/${meta.name}`,
    workload: workloadOf(pod),
    phase: meta.deletionTimestamp ? 'Terminating' : (pod.status?.phase ?? 'Unknown'),
    ...reasonOf(pod),
    node: pod.spec?.nodeName,
    qosClass: pod.status?.qosClass,
    labels: meta.labels ?? {},
    createdAt: toDate(meta.creationTimestamp),
    // App containers first: they are what a pod is about, and containers[0] stays the app.
    containers: [...app, ...sidecars, ...plainInit],
    metricsAt: metric ? (toDate(metric.timestamp) ?? new Date()) : undefined,
  };
}

// kubectl shows status.reason (Evicted, NodeLost) as the pod's STATUS; a pod the scheduler cannot
// place says so only in its PodScheduled condition.
function reasonOf(pod: V1Pod): { reason?: string } {
  const unscheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
  const reason = pod.status?.reason || unscheduled?.reason;
  return reason ? { reason } : {};
}

function byName(statuses: V1ContainerStatus[] | undefined): Map<string, V1ContainerStatus> {
  return new Map((statuses ?? []).map((s) => [s.name, s]));
}

function containerOf(c: V1Container, status: V1ContainerStatus | undefined, usage: Map<string, number | undefined>, role?: ContainerMemory['role']): ContainerMemory {
  return {
    name: c.name,
    image: c.image ?? status?.image ?? '',
    workingSetBytes: usage.get(c.name),
    requestBytes: parseMemory(c.resources?.requests?.['memory']),
    limitBytes: parseMemory(c.resources?.limits?.['memory']),
    restartCount: status?.restartCount ?? 0,
    ready: status?.ready ?? false,
    state: stateOf(status),
    lastTermination: terminationOf(status),
    ...(role ? { role } : {}),
  };
}

function completedCleanly(status: V1ContainerStatus | undefined): boolean {
  return status?.state?.terminated?.exitCode === 0 && status.lastState?.terminated?.reason !== 'OOMKilled';
}

function stateOf(status: V1ContainerStatus | undefined): ContainerMemory['state'] {
  const s = status?.state;
  if (s?.running) return { kind: 'running', since: toDate(s.running.startedAt) };
  if (s?.terminated) return { kind: 'terminated', reason: s.terminated.reason, since: toDate(s.terminated.finishedAt) };
  // No status yet (Pending, image pull) reads as waiting, which is what it is.
  return { kind: 'waiting', reason: s?.waiting?.reason ?? 'Pending' };
}

// The kubelet keeps one previous termination per container; a container terminated right now
// (restartPolicy Never, or between restarts) counts too.
function terminationOf(status: V1ContainerStatus | undefined): Termination | undefined {
  const t = status?.lastState?.terminated ?? status?.state?.terminated;
  if (!t) return undefined;
  return {
    reason: t.reason ?? 'Unknown',
    exitCode: t.exitCode,
    signal: t.signal,
    startedAt: toDate(t.startedAt),
    finishedAt: toDate(t.finishedAt),
  };
}

// Dates arrive as Date from client-node's deserializer and as strings from raw JSON (fixtures,
// the metrics API); take both.
function toDate(value: Date | string | undefined | null): Date | undefined {
  if (value === undefined || value === null) return undefined;
  const d = value instanceof Date ? value : new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** The workload that owns a pod: a Deployment through its ReplicaSet, else the controller itself. */
export function workloadOf(pod: V1Pod): WorkloadRef {
  const meta = pod.metadata ?? {};
  const namespace = meta.namespace ?? '';
  const owner = (meta.ownerReferences ?? []).find((o) => o.controller) ?? meta.ownerReferences?.[0];
  if (!owner) return { kind: 'Pod', namespace, name: meta.name ?? '' };
  switch (owner.kind) {
    case 'ReplicaSet': {
      // A Deployment names its ReplicaSets "<deployment>-<pod-template-hash>".
      const hash = meta.labels?.['pod-template-hash'];
      if (hash && owner.name.endsWith(`-${hash}`)) {
        return { kind: 'Deployment', namespace, name: owner.name.slice(0, -hash.length - 1) };
      }
      return { kind: 'ReplicaSet', namespace, name: owner.name };
    }
    case 'StatefulSet':
    case 'DaemonSet':
    case 'Job':
      return { kind: owner.kind, namespace, name: owner.name };
    default:
      return { kind: 'Pod', namespace, name: meta.name ?? '' };
  }
}
