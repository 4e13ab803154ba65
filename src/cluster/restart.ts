// Option A of the runbook as `kubectl rollout restart` does it: a strategic merge patch setting
// the pod template annotation kubectl.kubernetes.io/restartedAt to the time now (RFC 3339, whole
// seconds), which changes the template and so makes the controller replace every pod in its own
// rolling way. Refused, like kubectl, for a paused Deployment. A pod that has no workload to
// restart may be deleted instead when its controller recreates it (deletePodSpec).
import type { ChangeSpec } from './change.ts';
import { objectPath, type KubeObject } from './kubeObject.ts';
import type { RolloutKind } from './rolloutStatus.ts';

export const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';

/** Go's time.RFC3339 of a UTC time: 2026-12-02T21:49:54Z. */
export function rfc3339(now: Date): string {
  return now.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function restartSpec(kind: RolloutKind, namespace: string, name: string, now: () => Date = () => new Date()): ChangeSpec {
  return {
    action: 'restart',
    target: { kind, namespace, name, path: objectPath(kind, namespace, name) },
    plan: (current: KubeObject) => {
      if (kind === 'Deployment' && current.spec?.paused === true) return { type: 'refuse', reason: `Deployment ${namespace}/${name} is paused: can't restart paused deployment (run rollout resume first).` };
      const at = rfc3339(now());
      const template = current.spec?.template ?? {};
      const previousAt = template.metadata?.annotations?.[RESTARTED_AT];
      // The same second: the patch would change nothing and no pod would be replaced (kubectl refuses it too).
      if (previousAt === at) return { type: 'refuse', reason: `${kind} ${namespace}/${name} was restarted within the past second; wait a moment before restarting it again.` };
      const after = {
        ...current,
        spec: { ...current.spec, template: { ...template, metadata: { ...template.metadata, annotations: { ...template.metadata?.annotations, [RESTARTED_AT]: at } } } },
      };
      return {
        type: 'patch',
        patchType: 'strategic',
        patch: { spec: { template: { metadata: { annotations: { [RESTARTED_AT]: at } } } } },
        after,
        change: `pod template annotation ${RESTARTED_AT} = ${at}${previousAt ? ` (was ${previousAt})` : ''}, as kubectl rollout restart: every pod is replaced`,
      };
    },
  };
}

/** Deletes one pod that its controller (`owner`, e.g. "ReplicaSet api-5d8") recreates. */
export function deletePodSpec(namespace: string, name: string, owner: string): ChangeSpec {
  return {
    action: 'delete-pod',
    target: { kind: 'Pod', namespace, name, path: objectPath('Pod', namespace, name) },
    plan: () => ({ type: 'delete', change: `delete pod ${name}; ${owner} creates a replacement` }),
  };
}
