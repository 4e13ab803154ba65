// What restarting a pod means: the workload that controls it, found by reading the objects along
// its controller owner references (pod -> ReplicaSet -> Deployment, or a StatefulSet or DaemonSet
// directly), never by guessing from names. What cannot be restarted says why, and whether deleting
// the pod instead is safe (a controller that recreates it owns it).
import type { KubeConfig } from '@kubernetes/client-node';
import { getJson } from './apiRequest.ts';
import { classify } from './clusterError.ts';
import { controllerOf, isObjectKind, objectPath, type KubeObject, type ObjectKind } from './kubeObject.ts';
import type { RolloutKind } from './rolloutStatus.ts';

export type RestartTarget =
  | { readonly type: 'workload'; readonly kind: RolloutKind; readonly namespace: string; readonly name: string; readonly object: KubeObject; /** "Pod api-x -> ReplicaSet api-5d8 -> Deployment api" */ readonly chain: string }
  /** Not restartable as a workload; `deletable`: the pod's controller recreates it, so deleting the pod is offered. */
  | { readonly type: 'not-restartable'; readonly reason: string; readonly chain: string; readonly pod?: KubeObject; readonly deletable: boolean };

// Controllers that recreate a deleted pod (the brief's rule for offering a delete).
const RECREATING: ReadonlySet<string> = new Set(['ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job']);
const MAX_HOPS = 4;

/** Follows a pod's controllers to the workload to restart. */
export async function restartTargetOfPod(kc: KubeConfig, namespace: string, podName: string): Promise<RestartTarget> {
  const pod = await read(kc, 'Pod', namespace, podName);
  return fromObject(kc, 'Pod', pod, namespace, [`Pod ${podName}`], pod);
}

/** The same from a workload row of the tree (Deployment, StatefulSet, ReplicaSet, Job ...). */
export async function restartTargetOfWorkload(kc: KubeConfig, kind: ObjectKind, namespace: string, name: string): Promise<RestartTarget> {
  const obj = await read(kc, kind, namespace, name);
  return fromObject(kc, kind, obj, namespace, [`${kind} ${name}`], undefined);
}

async function fromObject(kc: KubeConfig, kind: ObjectKind, obj: KubeObject, namespace: string, chain: string[], pod: KubeObject | undefined): Promise<RestartTarget> {
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    const name = obj.metadata?.name ?? '';
    const step = judge(kind, obj, chain.join(' -> '), pod);
    if (step) return step;
    const owner = controllerOf(obj)!; // judge returned undefined only for an owned ReplicaSet or pod
    if (!isObjectKind(owner.kind)) break;
    const next = await read(kc, owner.kind, namespace, owner.name);
    if (owner.uid && next.metadata?.uid && owner.uid !== next.metadata.uid) {
      return { type: 'not-restartable', reason: `${kind} ${name} is owned by ${owner.kind} ${owner.name} uid ${owner.uid}, but the ${owner.kind} of that name now is another object (being replaced?). Refresh and try again.`, chain: chain.join(' -> '), pod, deletable: false };
    }
    chain.push(`${owner.kind} ${owner.name}`);
    kind = owner.kind;
    obj = next;
  }
  return { type: 'not-restartable', reason: `The owner chain ${chain.join(' -> ')} does not end in a Deployment, StatefulSet or DaemonSet.`, chain: chain.join(' -> '), pod, deletable: false };
}

/** The restart target this object is, a reason it cannot be one, or undefined: go on to its controller. */
export function judge(kind: ObjectKind, obj: KubeObject, chain: string, pod: KubeObject | undefined): RestartTarget | undefined {
  const name = obj.metadata?.name ?? '';
  const namespace = obj.metadata?.namespace ?? '';
  if (kind === 'Deployment' || kind === 'StatefulSet' || kind === 'DaemonSet') return { type: 'workload', kind, namespace, name, object: obj, chain };
  const owner = controllerOf(obj);
  const podOwner = pod ? controllerOf(pod) : undefined;
  const deletable = pod !== undefined && podOwner !== undefined && RECREATING.has(podOwner.kind);
  const no = (reason: string): RestartTarget => ({ type: 'not-restartable', reason, chain, pod, deletable });
  if (kind === 'Pod') {
    if (!owner) return no(`Pod ${name} has no controller: it is a bare pod. Nothing would recreate it if it were deleted, so Memory Triage will not delete it; recreate it from its manifest.`);
    if (owner.kind === 'Node') return no(`Pod ${name} is a static pod of node ${owner.name} (a mirror pod): the kubelet runs it from a file on the node; restart it there.`);
    if (owner.kind === 'ReplicaSet' || owner.kind === 'StatefulSet' || owner.kind === 'DaemonSet') return undefined;
    if (owner.kind === 'Job') return no(`Pod ${name} belongs to Job ${owner.name}: a Job's pods run to completion and are not rolled out, so there is nothing to restart.${deletable ? ' Deleting the pod makes the Job start another (it may count against its backoffLimit).' : ''}`);
    return no(`Pod ${name} is controlled by ${owner.kind} ${owner.name}, which Memory Triage cannot restart (kubectl rollout restart supports Deployments, StatefulSets and DaemonSets).`);
  }
  if (kind === 'ReplicaSet') {
    if (owner?.kind === 'Deployment') return undefined;
    return no(`ReplicaSet ${name} is not owned by a Deployment: a bare ReplicaSet has no rollout (kubectl rollout restart refuses it).${deletable ? ' Deleting a pod makes the ReplicaSet create a new one.' : ' Delete its pods one at a time to replace them.'}`);
  }
  if (kind === 'Job') return no(`Job ${name}: a Job's pods run to completion and are not rolled out, so there is nothing to restart.`);
  return no(`${kind} ${name} cannot be restarted.`);
}

async function read(kc: KubeConfig, kind: ObjectKind, namespace: string, name: string): Promise<KubeObject> {
  try {
    return await getJson<KubeObject>(kc, objectPath(kind, namespace, name), {}, { timeoutMs: 10_000 });
  } catch (err) {
    throw classify(err, { verb: 'get', resource: objectPath(kind, namespace, name).split('/').at(-2)!, namespace });
  }
}
