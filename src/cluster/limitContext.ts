// What the cluster says about room for a bigger limit: the namespace's LimitRange maximum for a
// container's memory (the LimitRanger admission refuses a pod over it) and each node's allocatable
// memory (a request no node holds leaves the new pods Pending).
import type { KubeConfig } from '@kubernetes/client-node';
import { getJson } from './apiRequest.ts';
import { classify } from './clusterError.ts';
import type { KubeObject } from './kubeObject.ts';
import { parseMemory } from '../triage/quantity.ts';

export interface LimitRoom {
  /** The lowest container memory max of the namespace's LimitRanges. */
  readonly limitRangeMax?: { readonly bytes: number; readonly name: string };
  readonly nodes: readonly { readonly name: string; readonly allocatableBytes: number }[];
  /** Reads that were refused (RBAC): the proposal is made without them, and says so. */
  readonly unread: readonly string[];
}

export async function readLimitRoom(kc: KubeConfig, namespace: string): Promise<LimitRoom> {
  const unread: string[] = [];
  const list = async (path: string, resource: string, ns?: string): Promise<KubeObject[]> => {
    try {
      return (await getJson<{ items?: KubeObject[] }>(kc, path, {}, { timeoutMs: 10_000 })).items ?? [];
    } catch (err) {
      unread.push(classify(err, { verb: 'list', resource, namespace: ns }).message);
      return [];
    }
  };
  const [ranges, nodes] = await Promise.all([
    list(`/api/v1/namespaces/${encodeURIComponent(namespace)}/limitranges`, 'limitranges', namespace),
    list('/api/v1/nodes', 'nodes'),
  ]);
  return { limitRangeMax: containerMax(ranges), nodes: allocatable(nodes), unread };
}

export function containerMax(ranges: readonly KubeObject[]): LimitRoom['limitRangeMax'] {
  let lowest: LimitRoom['limitRangeMax'];
  for (const r of ranges) {
    for (const item of Array.isArray(r.spec?.limits) ? r.spec.limits : []) {
      if (item?.type !== 'Container') continue;
      const bytes = parseMemory(item.max?.memory);
      if (bytes !== undefined && (!lowest || bytes < lowest.bytes)) lowest = { bytes, name: r.metadata?.name ?? '?' };
    }
  }
  return lowest;
}

function allocatable(nodes: readonly KubeObject[]): LimitRoom['nodes'] {
  const out: { name: string; allocatableBytes: number }[] = [];
  for (const n of nodes) {
    const bytes = parseMemory(n.status?.allocatable?.memory);
    if (bytes !== undefined) out.push({ name: n.metadata?.name ?? '?', allocatableBytes: bytes });
  }
  return out;
}
