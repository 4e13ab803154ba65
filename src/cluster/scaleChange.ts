// Option D's change: replicas through the scale subresource (what `kubectl scale` writes), or,
// when a HorizontalPodAutoscaler targets the workload, its minReplicas: the HPA would scale the
// replicas straight back, so raising its floor is the change that holds.
import type { KubeConfig } from '@kubernetes/client-node';
import { getJson } from './apiRequest.ts';
import type { ChangeSpec } from './change.ts';
import { classify } from './clusterError.ts';
import { collectionPath, objectPath, type KubeObject, type ObjectKind } from './kubeObject.ts';

export type ScalableKind = 'Deployment' | 'StatefulSet' | 'ReplicaSet';

export function isScalable(kind: string): kind is ScalableKind {
  return kind === 'Deployment' || kind === 'StatefulSet' || kind === 'ReplicaSet';
}

export function scaleSpec(kind: ScalableKind, namespace: string, name: string, replicas: number): ChangeSpec {
  return {
    action: 'scale',
    target: { kind, namespace, name, path: objectPath(kind, namespace, name, 'scale') },
    plan: (current: KubeObject) => {
      if (!Number.isInteger(replicas) || replicas < 0) return { type: 'refuse', reason: `${replicas} is not a number of replicas.` };
      const was = current.spec?.replicas;
      if (was === replicas) return { type: 'refuse', reason: `${kind} ${namespace}/${name} already has ${replicas} replicas.` };
      return {
        type: 'patch',
        patchType: 'merge',
        patch: { spec: { replicas } },
        after: { ...current, spec: { ...current.spec, replicas } },
        change: `replicas ${was ?? '?'} -> ${replicas} through the scale subresource`,
      };
    },
  };
}

export function hpaMinReplicasSpec(namespace: string, name: string, minReplicas: number): ChangeSpec {
  return {
    action: 'hpa-min-replicas',
    target: { kind: 'HorizontalPodAutoscaler', namespace, name, path: objectPath('HorizontalPodAutoscaler', namespace, name) },
    plan: (current: KubeObject) => {
      const max = current.spec?.maxReplicas;
      if (!Number.isInteger(minReplicas) || minReplicas < 1) return { type: 'refuse', reason: `${minReplicas} is not a minReplicas (at least 1).` };
      if (typeof max === 'number' && minReplicas > max) return { type: 'refuse', reason: `HorizontalPodAutoscaler ${namespace}/${name} has maxReplicas ${max}: minReplicas ${minReplicas} would be above it. Raise maxReplicas too, in its manifest.` };
      const was = current.spec?.minReplicas ?? 1;
      return {
        type: 'patch',
        patchType: 'merge',
        patch: { spec: { minReplicas } },
        after: { ...current, spec: { ...current.spec, minReplicas } },
        change: `HPA minReplicas ${was} -> ${minReplicas} (maxReplicas ${max ?? '?'}); the HPA scales the workload up to it`,
      };
    },
  };
}

/** The autoscaling/v2 HPA in the namespace whose scaleTargetRef is this workload, if any. */
export async function hpaOf(kc: KubeConfig, kind: ObjectKind, namespace: string, name: string): Promise<KubeObject | undefined> {
  const path = collectionPath('HorizontalPodAutoscaler', namespace);
  try {
    const list = await getJson<{ items?: KubeObject[] }>(kc, path, {}, { timeoutMs: 10_000 });
    return (list.items ?? []).find((h) => h.spec?.scaleTargetRef?.kind === kind && h.spec?.scaleTargetRef?.name === name);
  } catch (err) {
    throw classify(err, { verb: 'list', resource: 'horizontalpodautoscalers', namespace });
  }
}
