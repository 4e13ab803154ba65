// Option B's change: one container's memory limit (and its request, kept at or below the limit)
// in the workload's pod template, by container name through a strategic merge patch (containers
// merge on `name`), unlike the runbook's JSON patch of containers/0. The controller then rolls the
// pods, and the runtime gives the new pods' cgroups the new memory.max.
import type { ChangeSpec } from './change.ts';
import { objectPath, type KubeObject } from './kubeObject.ts';
import type { RolloutKind } from './rolloutStatus.ts';
import { parseMemory } from '../triage/quantity.ts';

interface TemplateContainer {
  readonly name?: string;
  readonly resources?: { readonly limits?: Record<string, string>; readonly requests?: Record<string, string> };
}

export function raiseLimitSpec(kind: RolloutKind, namespace: string, name: string, container: string, limit: string): ChangeSpec {
  return {
    action: 'raise-limit',
    target: { kind, namespace, name, path: objectPath(kind, namespace, name) },
    podOf: (after) => templatePod(after, name),
    plan: (current: KubeObject) => {
      const limitBytes = parseMemory(limit);
      if (limitBytes === undefined || limitBytes <= 0) return { type: 'refuse', reason: `"${limit}" is not a memory quantity (e.g. 768Mi, 2Gi).` };
      const containers: TemplateContainer[] = Array.isArray(current.spec?.template?.spec?.containers) ? current.spec.template.spec.containers : [];
      const found = containers.find((c) => c?.name === container);
      if (!found) return { type: 'refuse', reason: `${kind} ${namespace}/${name} has no container named "${container}" in its pod template.` };
      const oldLimit = found.resources?.limits?.memory;
      const oldRequest = found.resources?.requests?.memory;
      const requestBytes = parseMemory(oldRequest);
      // The API server refuses a request above the limit; lower it to the limit with it.
      const request = requestBytes !== undefined && requestBytes > limitBytes ? limit : undefined;
      const resources = { limits: { memory: limit }, ...(request ? { requests: { memory: request } } : {}) };
      const after: KubeObject = {
        ...current,
        spec: {
          ...current.spec,
          template: {
            ...current.spec.template,
            spec: {
              ...current.spec.template.spec,
              containers: containers.map((c) => (c === found ? { ...c, resources: { ...c.resources, limits: { ...c.resources?.limits, memory: limit }, ...(request ? { requests: { ...c.resources?.requests, memory: request } } : {}) } } : c)),
            },
          },
        },
      };
      return {
        type: 'patch',
        patchType: 'strategic',
        patch: { spec: { template: { spec: { containers: [{ name: container, resources }] } } } },
        after,
        change: `container ${container} memory limit ${oldLimit ?? '(none)'} -> ${limit}${request ? `, request ${oldRequest} -> ${request} (kept at or below the limit)` : ''}; the pods are replaced`,
      };
    },
  };
}

/** A pod as the controller would make it from the workload's template (for the admission dry run). */
export function templatePod(workload: KubeObject, name: string): KubeObject | undefined {
  const template = workload.spec?.template;
  if (!template?.spec) return undefined;
  return { apiVersion: 'v1', kind: 'Pod', metadata: { generateName: `${name}-`, labels: template.metadata?.labels, annotations: template.metadata?.annotations }, spec: template.spec };
}
