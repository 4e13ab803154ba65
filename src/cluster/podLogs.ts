import type { KubeConfig } from '@kubernetes/client-node';
import { getText, HttpStatusError } from './apiRequest.ts';
import { classify } from './clusterError.ts';

// The log of a container's killed instance (`kubectl logs --previous`): what it printed before the
// OOM kill or crash. Bounded (the last lines, at most a few MiB), so a chatty service cannot fill
// the editor host's memory. When the container never restarted there is no previous instance:
// the current log is read instead, and the result says which one it is.

export const MAX_LOG_LINES = 5000;
export const MAX_LOG_BYTES = 4 * 1024 * 1024;

export interface ContainerLog {
  readonly text: string;
  /** true: the instance that ended (previous=true); false: the running one, as there is no previous. */
  readonly previous: boolean;
  /** The answer reached the byte bound: older lines may be missing. */
  readonly cut: boolean;
}

export async function previousLog(kc: KubeConfig, namespace: string, pod: string, container: string, signal?: AbortSignal): Promise<ContainerLog> {
  const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/log`;
  const query = { container, tailLines: MAX_LOG_LINES, limitBytes: MAX_LOG_BYTES };
  const read = async (previous: boolean): Promise<ContainerLog> => {
    const text = await getText(kc, path, { ...query, previous: previous ? 'true' : undefined }, { signal, timeoutMs: 30_000 });
    return { text, previous, cut: Buffer.byteLength(text) >= MAX_LOG_BYTES };
  };
  try {
    return await read(true);
  } catch (err) {
    // kube-apiserver's 400 "previous terminated container ... not found": it never restarted
    const noPrevious = err instanceof HttpStatusError && err.statusCode === 400 && /previous terminated container/.test(err.message);
    if (!noPrevious) throw classify(err, { verb: 'get', resource: 'pods/log', namespace });
  }
  try {
    return await read(false);
  } catch (err) {
    throw classify(err, { verb: 'get', resource: 'pods/log', namespace });
  }
}
