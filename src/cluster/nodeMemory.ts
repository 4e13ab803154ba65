import type { KubeConfig } from '@kubernetes/client-node';
import { getJson, type RequestOptions } from './apiRequest.ts';
import { classify } from './clusterError.ts';
import { parseMemory } from '../triage/quantity.ts';
import type { NodeMemory } from '../triage/events.ts';

// The node a pod runs on, for its tooltip: the MemoryPressure condition and allocatable memory
// (core/v1 nodes/{name}). A 403 (many on-call roles may not read nodes) is an answer, not an error.

interface RawNode {
  readonly status?: {
    readonly allocatable?: Record<string, string>;
    readonly capacity?: Record<string, string>;
    readonly conditions?: { type?: string; status?: string; reason?: string; message?: string; lastTransitionTime?: string }[];
  };
}

export async function readNodeMemory(kc: KubeConfig, name: string, options: RequestOptions = {}): Promise<NodeMemory> {
  let node: RawNode;
  try {
    node = await getJson<RawNode>(kc, `/api/v1/nodes/${encodeURIComponent(name)}`, {}, options);
  } catch (err) {
    const e = classify(err, { verb: 'get', resource: 'nodes' });
    return { name, note: e.kind === 'forbidden' ? 'not allowed to read nodes (RBAC)' : e.message };
  }
  const c = node.status?.conditions?.find((x) => x.type === 'MemoryPressure');
  const since = c?.lastTransitionTime ? new Date(c.lastTransitionTime) : undefined;
  return {
    name,
    allocatableBytes: parseMemory(node.status?.allocatable?.memory),
    capacityBytes: parseMemory(node.status?.capacity?.memory),
    memoryPressure: c ? { status: String(c.status ?? 'Unknown'), reason: c.reason, message: c.message, since: since && Number.isFinite(since.getTime()) ? since : undefined } : undefined,
  };
}
