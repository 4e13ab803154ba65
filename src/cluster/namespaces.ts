import { getJson } from './apiRequest.ts';
import { classify } from './clusterError.ts';
import type { ClusterSession } from './session.ts';

/** Namespace names for the picker; throws a ClusterError (a 403 is common for namespaced users). */
export async function listNamespaces(session: ClusterSession): Promise<string[]> {
  try {
    const list = await getJson<{ items?: { metadata?: { name?: string } }[] }>(session.kubeConfig, '/api/v1/namespaces', {}, { timeoutMs: 10_000 });
    return (list.items ?? []).map((n) => n.metadata?.name ?? '').filter((n) => n !== '').sort();
  } catch (err) {
    throw classify(err, { verb: 'list', resource: 'namespaces', server: session.server });
  }
}
