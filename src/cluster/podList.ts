import type { KubernetesListObject, PodMetric, V1Pod } from '@kubernetes/client-node';
import { getJson, type RequestOptions } from './apiRequest.ts';
import { classify } from './clusterError.ts';
import type { ClusterSession } from './session.ts';

export const PAGE_SIZE = 500;

export function podsPath(namespace: string | undefined): string {
  return namespace ? `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods` : '/api/v1/pods';
}

// The whole scope in pages of `limit` (like kubectl's chunking), so 5,000 pods are ten bounded
// requests rather than one huge answer. A 410 on a continue token means the snapshot expired
// while paging: start over once, as kubectl does.
export async function listPods(session: ClusterSession, options: RequestOptions & { pageSize?: number } = {}): Promise<KubernetesListObject<V1Pod>> {
  const path = podsPath(session.namespace);
  const intent = { verb: 'list' as const, resource: 'pods', namespace: session.namespace, server: session.server };
  for (let attempt = 0; ; attempt++) {
    const items: V1Pod[] = [];
    let cont: string | undefined;
    let resourceVersion = '';
    try {
      do {
        const page = await getJson<KubernetesListObject<V1Pod>>(
          session.kubeConfig,
          path,
          { labelSelector: session.labelSelector, limit: options.pageSize ?? PAGE_SIZE, continue: cont },
          options,
        );
        items.push(...page.items);
        resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
        cont = page.metadata?._continue ?? (page.metadata as { continue?: string } | undefined)?.continue;
      } while (cont);
      return { apiVersion: 'v1', kind: 'PodList', metadata: { resourceVersion }, items };
    } catch (err) {
      if (cont && (err as { statusCode?: number }).statusCode === 410 && attempt === 0) continue;
      throw classify(err, intent);
    }
  }
}

export interface PodMetricsList {
  readonly items: readonly PodMetric[];
}

// One call for the whole scope: metrics.k8s.io filters by the same label selector, so the
// answer is as big as the pod list and never one request per pod.
export async function listPodMetrics(session: ClusterSession, options: RequestOptions = {}): Promise<PodMetricsList> {
  const path = session.namespace
    ? `/apis/metrics.k8s.io/v1beta1/namespaces/${encodeURIComponent(session.namespace)}/pods`
    : '/apis/metrics.k8s.io/v1beta1/pods';
  try {
    const list = await getJson<{ items?: PodMetric[] }>(session.kubeConfig, path, { labelSelector: session.labelSelector }, options);
    return { items: list.items ?? [] };
  } catch (err) {
    throw classify(err, { verb: 'list', resource: 'pods.metrics.k8s.io', namespace: session.namespace, server: session.server });
  }
}

/** Whether the session's namespace exists; undefined when we may not ask (403) or cannot tell. */
export async function namespaceExists(session: ClusterSession, options: RequestOptions = {}): Promise<boolean | undefined> {
  if (!session.namespace) return true;
  try {
    await getJson(session.kubeConfig, `/api/v1/namespaces/${encodeURIComponent(session.namespace)}`, {}, options);
    return true;
  } catch (err) {
    return (err as { statusCode?: number }).statusCode === 404 ? false : undefined;
  }
}
