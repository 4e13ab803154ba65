// Where a rollout is, judged the way `kubectl rollout status` judges it (kubectl's
// polymorphichelpers rollout_status.go), with its messages, so what the notification says matches
// what an engineer sees in a terminal: a Deployment waits for its generation to be observed, then
// for updated, old-terminating and available replicas, and fails on ProgressDeadlineExceeded; a
// StatefulSet for ready pods, the partition, then the update revision; a DaemonSet for updated and
// available pods. Only RollingUpdate strategies have a rollout to follow.
import type { KubeObject } from './kubeObject.ts';

export type RolloutKind = 'Deployment' | 'StatefulSet' | 'DaemonSet';

export interface RolloutStatus {
  /** kubectl's line: "Waiting for deployment "api" rollout to finish: 1 out of 2 new replicas have been updated...". */
  readonly message: string;
  readonly done: boolean;
  /** The rollout failed (progress deadline) or cannot be followed (OnDelete): ends the follow with this message. */
  readonly failed?: boolean;
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const optNum = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

export function rolloutStatus(kind: RolloutKind, obj: KubeObject): RolloutStatus {
  switch (kind) {
    case 'Deployment': return deploymentStatus(obj);
    case 'StatefulSet': return statefulSetStatus(obj);
    case 'DaemonSet': return daemonSetStatus(obj);
  }
}

function deploymentStatus(d: KubeObject): RolloutStatus {
  const name = d.metadata?.name ?? '';
  const spec = d.spec ?? {};
  const status = d.status ?? {};
  if (num(d.metadata?.generation) > num(status.observedGeneration)) return waiting('Waiting for deployment spec update to be observed...');
  const conditions: unknown[] = Array.isArray(status.conditions) ? status.conditions : [];
  const progressing = conditions.find((c) => (c as { type?: unknown })?.type === 'Progressing') as { reason?: unknown } | undefined;
  if (progressing?.reason === 'ProgressDeadlineExceeded') return { message: `deployment ${JSON.stringify(name)} exceeded its progress deadline`, done: false, failed: true };
  const replicas = optNum(spec.replicas);
  const updated = num(status.updatedReplicas);
  if (replicas !== undefined && updated < replicas) return waiting(`Waiting for deployment ${JSON.stringify(name)} rollout to finish: ${updated} out of ${replicas} new replicas have been updated...`);
  if (num(status.replicas) > updated) return waiting(`Waiting for deployment ${JSON.stringify(name)} rollout to finish: ${num(status.replicas) - updated} old replicas are pending termination...`);
  if (num(status.availableReplicas) < updated) return waiting(`Waiting for deployment ${JSON.stringify(name)} rollout to finish: ${num(status.availableReplicas)} of ${updated} updated replicas are available...`);
  return { message: `deployment ${JSON.stringify(name)} successfully rolled out`, done: true };
}

function statefulSetStatus(s: KubeObject): RolloutStatus {
  const spec = s.spec ?? {};
  const status = s.status ?? {};
  const strategy = spec.updateStrategy ?? {};
  if ((strategy.type ?? 'RollingUpdate') !== 'RollingUpdate') return { message: 'rollout status is only available for RollingUpdate strategy type', done: true, failed: true };
  if (num(status.observedGeneration) === 0 || num(s.metadata?.generation) > num(status.observedGeneration)) return waiting('Waiting for statefulset spec update to be observed...');
  const replicas = optNum(spec.replicas);
  if (replicas !== undefined && num(status.readyReplicas) < replicas) return waiting(`Waiting for ${replicas - num(status.readyReplicas)} pods to be ready...`);
  if (strategy.rollingUpdate && typeof strategy.rollingUpdate === 'object') {
    const partition = optNum(strategy.rollingUpdate.partition);
    if (replicas !== undefined && partition !== undefined && num(status.updatedReplicas) < replicas - partition) {
      return waiting(`Waiting for partitioned roll out to finish: ${num(status.updatedReplicas)} out of ${replicas - partition} new pods have been updated...`);
    }
    return { message: `partitioned roll out complete: ${num(status.updatedReplicas)} new pods have been updated...`, done: true };
  }
  if (status.updateRevision !== status.currentRevision) return waiting(`waiting for statefulset rolling update to complete ${num(status.updatedReplicas)} pods at revision ${String(status.updateRevision ?? '')}...`);
  return { message: `statefulset rolling update complete ${num(status.currentReplicas)} pods at revision ${String(status.currentRevision ?? '')}...`, done: true };
}

function daemonSetStatus(d: KubeObject): RolloutStatus {
  const name = d.metadata?.name ?? '';
  const status = d.status ?? {};
  if ((d.spec?.updateStrategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') return { message: 'rollout status is only available for RollingUpdate strategy type', done: true, failed: true };
  if (num(d.metadata?.generation) > num(status.observedGeneration)) return waiting('Waiting for daemon set spec update to be observed...');
  const desired = num(status.desiredNumberScheduled);
  if (num(status.updatedNumberScheduled) < desired) return waiting(`Waiting for daemon set ${JSON.stringify(name)} rollout to finish: ${num(status.updatedNumberScheduled)} out of ${desired} new pods have been updated...`);
  if (num(status.numberAvailable) < desired) return waiting(`Waiting for daemon set ${JSON.stringify(name)} rollout to finish: ${num(status.numberAvailable)} of ${desired} updated pods are available...`);
  return { message: `daemon set ${JSON.stringify(name)} successfully rolled out`, done: true };
}

function waiting(message: string): RolloutStatus {
  return { message, done: false };
}
