import type { KubernetesListObject, V1Pod } from '@kubernetes/client-node';
import { getJson, type RequestOptions } from './apiRequest.ts';
import { podsPath } from './podList.ts';
import type { ClusterSession } from './session.ts';

// Labels every controller stamps on its pods: a selector on one picks a single revision or pod.
const NOISE = new Set(['pod-template-hash', 'controller-revision-hash', 'statefulset.kubernetes.io/pod-name', 'controller-uid', 'batch.kubernetes.io/controller-uid', 'pod-template-generation', 'apps.kubernetes.io/pod-index']);
const MAX_SUGGESTIONS = 8;
const SAMPLE = 500;

/** "key=value" selectors seen on the pods, the most common first (ties by name). */
export function selectorsFromLabels(labels: readonly Readonly<Record<string, string>>[], max = MAX_SUGGESTIONS): string[] {
  const counts = new Map<string, number>();
  for (const set of labels) {
    for (const [k, v] of Object.entries(set)) if (!NOISE.has(k)) counts.set(`${k}=${v}`, (counts.get(`${k}=${v}`) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, max).map(([s]) => s);
}

/**
 * When the scope's selector matches nothing: the selectors found on the namespace's pods (one
 * list call of at most 500 pods, no selector), so a click can pick one.
 */
export async function suggestLabelSelectors(session: ClusterSession, options: RequestOptions = {}): Promise<string[]> {
  const list = await getJson<KubernetesListObject<V1Pod>>(session.kubeConfig, podsPath(session.namespace), { limit: SAMPLE }, options);
  return selectorsFromLabels((list.items ?? []).map((p) => p.metadata?.labels ?? {}));
}
