// Follows a rollout to its end through a watch on the one object (fieldSelector metadata.name),
// judging each version with rolloutStatus as `kubectl rollout status` does. The stream closing is
// resumed from the last version seen; a lost connection is retried for a while and then reported
// as such (the rollout goes on without us, its state unknown). Cancelling stops following only.
import { Watch, type KubeConfig } from '@kubernetes/client-node';
import { getJson } from './apiRequest.ts';
import { classify } from './clusterError.ts';
import { objectPath, type KubeObject } from './kubeObject.ts';
import { rolloutStatus, type RolloutKind, type RolloutStatus } from './rolloutStatus.ts';

export interface FollowResult {
  /** done: rolled out; failed: progress deadline (or not followable); stopped: the user cancelled; lost: no connection; timeout: still going. */
  readonly outcome: 'done' | 'failed' | 'stopped' | 'lost' | 'timeout';
  /** The last status seen (undefined when none could be read). */
  readonly status: RolloutStatus | undefined;
}

export interface FollowOptions {
  readonly signal?: AbortSignal;
  readonly onStatus?: (status: RolloutStatus) => void;
  /** Give up following after this long (the rollout goes on). Default 15 minutes. */
  readonly timeoutMs?: number;
  /** How long a lost connection is retried before the follow ends as lost. Default 30 s. */
  readonly reconnectMs?: number;
}

export async function followRollout(kc: KubeConfig, kind: RolloutKind, namespace: string, name: string, options: FollowOptions = {}): Promise<FollowResult> {
  const path = objectPath(kind, namespace, name);
  const listPath = path.slice(0, path.lastIndexOf('/'));
  let last: RolloutStatus | undefined;
  let resourceVersion = '';
  const judge = (obj: KubeObject): RolloutStatus => {
    resourceVersion = obj.metadata?.resourceVersion ?? resourceVersion;
    last = rolloutStatus(kind, obj);
    options.onStatus?.(last);
    return last;
  };
  const deadline = Date.now() + (options.timeoutMs ?? 15 * 60_000);
  const reconnectMs = options.reconnectMs ?? 30_000;
  let lostSince: number | undefined;
  for (let attempt = 0; ; attempt++) {
    if (options.signal?.aborted) return { outcome: 'stopped', status: last };
    if (Date.now() > deadline) return { outcome: 'timeout', status: last };
    try {
      // A fresh read each time round: it is the state to judge and the version to watch from.
      const obj = await getJson<KubeObject>(kc, path, {}, { signal: options.signal, timeoutMs: 10_000 });
      lostSince = undefined;
      const status = judge(obj);
      if (status.done || status.failed) return { outcome: status.failed ? 'failed' : 'done', status };
      const ended = await watchUntil(kc, listPath, name, resourceVersion, judge, options.signal, deadline);
      if (ended) return ended.outcome === 'stopped' ? { outcome: 'stopped', status: last } : ended;
    } catch (err) {
      if (options.signal?.aborted) return { outcome: 'stopped', status: last };
      const error = classify(err, { verb: 'get', resource: kind, namespace });
      if (error.kind === 'forbidden' || error.kind === 'unauthorized') throw error;
      lostSince ??= Date.now();
      if (Date.now() - lostSince > reconnectMs) return { outcome: 'lost', status: last };
      await sleep(Math.min(1000 * 2 ** Math.min(attempt, 4), 5000), options.signal);
    }
  }
}

/** One watch stream: a FollowResult when the rollout ended or we stopped, undefined when the stream closed (resume). */
function watchUntil(kc: KubeConfig, listPath: string, name: string, resourceVersion: string, judge: (obj: KubeObject) => RolloutStatus, signal: AbortSignal | undefined, deadline: number): Promise<FollowResult | undefined> {
  return new Promise((resolve, reject) => {
    let controller: AbortController | undefined;
    let settled = false;
    const finish = (result: FollowResult | undefined, err?: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      controller?.abort();
      if (err) reject(err);
      else resolve(result);
    };
    const onAbort = () => finish({ outcome: 'stopped', status: undefined });
    signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => finish(undefined), Math.max(0, deadline - Date.now()));
    const query = { fieldSelector: `metadata.name=${name}`, resourceVersion, allowWatchBookmarks: true, timeoutSeconds: 60 };
    new Watch(kc).watch(listPath, query, (phase: string, obj: KubeObject) => {
      if (phase === 'DELETED') return finish({ outcome: 'failed', status: { message: `${name} was deleted during the rollout`, done: false, failed: true } });
      if (phase === 'ERROR') return finish(undefined); // 410: read again and watch from the new version
      if (phase !== 'ADDED' && phase !== 'MODIFIED') return;
      const status = judge(obj);
      if (status.done || status.failed) finish({ outcome: status.failed ? 'failed' : 'done', status });
    }, (err: unknown) => finish(undefined, err ?? undefined)).then((c) => {
      controller = c;
      if (settled) c.abort();
    }, (err: unknown) => finish(undefined, err));
  });
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
  });
}
