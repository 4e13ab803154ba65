import type { KubeConfig } from '@kubernetes/client-node';
import { getJson, type RequestOptions } from './apiRequest.ts';
import { classify, ClusterError } from './clusterError.ts';
import type { KubeEvent } from '../triage/events.ts';

// A pod's events and its node's memory events (core/v1 Events, the list `kubectl events --for`
// and `kubectl describe` read), as plain data. The pod's come from its namespace by field selector;
// the node's are cluster-scoped events, which the kubelet and node-problem-detector file in
// "default": a cluster-wide list first, that namespace when the cluster-wide one is forbidden.

/** One list is enough for a tooltip or a document: the newest of at most this many. */
const LIST_LIMIT = 500;

/** The node events that tell of memory: kills, pressure, evictions. */
export const NODE_MEMORY_REASONS: ReadonlySet<string> = new Set([
  'OOMKilling', 'SystemOOM', 'NodeHasInsufficientMemory', 'NodeHasSufficientMemory', 'EvictionThresholdMet', 'NodeNotReady', 'Rebooted',
]);

interface RawEvent {
  readonly reason?: string;
  readonly message?: string;
  readonly type?: string;
  readonly count?: number;
  readonly firstTimestamp?: string | null;
  readonly lastTimestamp?: string | null;
  readonly eventTime?: string | null;
  readonly series?: { count?: number; lastObservedTime?: string } | null;
  readonly source?: { component?: string } | null;
  readonly reportingComponent?: string;
  readonly involvedObject?: { kind?: string; name?: string; fieldPath?: string };
  readonly metadata?: { creationTimestamp?: string };
}

const date = (text: string | null | undefined): Date | undefined => {
  const d = text ? new Date(text) : undefined;
  return d && Number.isFinite(d.getTime()) ? d : undefined;
};

/** An Event as either recorder writes it: the legacy one (count, first/lastTimestamp) or events.k8s.io's (eventTime, series). */
export function toKubeEvent(e: RawEvent): KubeEvent {
  const first = date(e.firstTimestamp) ?? date(e.eventTime) ?? date(e.metadata?.creationTimestamp);
  const last = date(e.series?.lastObservedTime) ?? date(e.lastTimestamp) ?? first;
  return {
    reason: String(e.reason ?? ''),
    message: String(e.message ?? ''),
    type: String(e.type ?? 'Normal'),
    count: Math.max(1, Number(e.series?.count ?? e.count ?? 1) || 1),
    first,
    last,
    object: `${e.involvedObject?.kind ?? '?'}/${e.involvedObject?.name ?? '?'}`,
    fieldPath: e.involvedObject?.fieldPath || undefined,
    source: String(e.reportingComponent || e.source?.component || ''),
  };
}

/** Field selector values escape backslash, comma and equals (fields.EscapeValue). */
const fieldValue = (v: string) => v.replace(/[\\,=]/g, '\\$&');

async function list(kc: KubeConfig, path: string, fieldSelector: string, options: RequestOptions): Promise<KubeEvent[]> {
  const body = await getJson<{ items?: RawEvent[] }>(kc, path, { fieldSelector, limit: LIST_LIMIT }, options);
  return (body.items ?? []).map(toKubeEvent);
}

export interface PodEvents {
  /** The pod's events and its node's memory events, newest first. */
  readonly events: readonly KubeEvent[];
  /** Why the node's events are missing (RBAC, no node yet), when they are. */
  readonly nodeNote?: string;
}

const newestFirst = (a: KubeEvent, b: KubeEvent) => (b.last?.getTime() ?? 0) - (a.last?.getTime() ?? 0);

export async function podEvents(kc: KubeConfig, pod: { namespace: string; name: string; node?: string }, options: RequestOptions = {}): Promise<PodEvents> {
  const ns = encodeURIComponent(pod.namespace);
  const podSelector = `involvedObject.kind=Pod,involvedObject.name=${fieldValue(pod.name)},involvedObject.namespace=${fieldValue(pod.namespace)}`;
  const own = list(kc, `/api/v1/namespaces/${ns}/events`, podSelector, options).catch((err) => {
    throw classify(err, { verb: 'list', resource: 'events', namespace: pod.namespace });
  });
  const node = pod.node ? nodeEvents(kc, pod.node, options) : Promise.resolve({ events: [], note: 'the pod is not on a node yet' });
  const [events, fromNode] = await Promise.all([own, node]);
  return { events: [...events, ...fromNode.events].sort(newestFirst), nodeNote: fromNode.note };
}

async function nodeEvents(kc: KubeConfig, node: string, options: RequestOptions): Promise<{ events: KubeEvent[]; note?: string }> {
  const selector = `involvedObject.kind=Node,involvedObject.name=${fieldValue(node)}`;
  const memory = (events: KubeEvent[]) => ({ events: events.filter((e) => NODE_MEMORY_REASONS.has(e.reason)) });
  try {
    return memory(await list(kc, '/api/v1/events', selector, options));
  } catch (err) {
    const first = classify(err, { verb: 'list', resource: 'events' });
    if (first.kind !== 'forbidden') return { events: [], note: `node events: ${first.message}` };
  }
  try {
    return memory(await list(kc, '/api/v1/namespaces/default/events', selector, options));
  } catch (err) {
    const e = err instanceof ClusterError ? err : classify(err, { verb: 'list', resource: 'events', namespace: 'default' });
    return { events: [], note: e.kind === 'forbidden' ? 'node events: not allowed to list events (RBAC)' : `node events: ${e.message}` };
  }
}
