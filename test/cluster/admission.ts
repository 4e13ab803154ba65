// The LimitRanger and ResourceQuota admission plugins for pods, memory only, with the real API
// server's wording (plugin/pkg/admission/limitranger: "maximum memory usage per Container is 1Gi,
// but limit is 2Gi"; resourcequota: "exceeded quota: q, requested: limits.memory=2Gi, used: ...,
// limited: ..."), wrapped as admission.NewForbidden does: `pods "<name or generateName>" is
// forbidden: ...`. Like the real plugins they judge pods only: a Deployment whose template breaks
// a LimitRange is stored, and its ReplicaSet's pod creations fail (FailedCreate events).
import type { EventRecorder } from './events.ts';
import { canonicalQuantity, parseQuantity } from './quantity.ts';
import { ApiError, failure } from './status.ts';
import type { K8sObject, Store } from './store.ts';

function quantity(bytes: number): string {
  return (bytes % 1024 === 0 ? canonicalQuantity(`${bytes / 1024}Ki`) : undefined) ?? String(bytes);
}

function memoryOf(c: K8sObject, field: 'limits' | 'requests'): number | undefined {
  const v = c.resources?.[field]?.memory;
  return v === undefined ? undefined : parseQuantity(v);
}

function podMemory(pod: K8sObject): { limits: number; requests: number } {
  let limits = 0;
  let requests = 0;
  for (const c of pod.spec?.containers ?? []) {
    const lim = memoryOf(c, 'limits') ?? 0;
    limits += lim;
    requests += memoryOf(c, 'requests') ?? lim; // a request defaults to the limit
  }
  return { limits, requests };
}

function limitRangeErrors(store: Store, pod: K8sObject): string[] {
  const errors: string[] = [];
  for (const lr of store.list('limitranges', pod.metadata.namespace)) {
    for (const item of lr.spec?.limits ?? []) {
      const max = item?.max?.memory === undefined ? undefined : parseQuantity(item.max.memory);
      if (item?.type !== 'Container' || max === undefined) continue;
      for (const c of pod.spec?.containers ?? []) {
        const lim = memoryOf(c, 'limits');
        if (lim === undefined) errors.push(`maximum memory usage per Container is ${quantity(max)}.  No limit is specified`);
        else if (lim > max) errors.push(`maximum memory usage per Container is ${quantity(max)}, but limit is ${quantity(lim)}`);
      }
    }
  }
  return errors;
}

function quotaError(store: Store, pod: K8sObject): string | undefined {
  const ns = pod.metadata.namespace;
  const live = store.list('pods', ns).filter((p) => !p.metadata.deletionTimestamp && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
  const asked = podMemory(pod);
  for (const rq of store.list('resourcequotas', ns)) {
    const hard = rq.spec?.hard ?? {};
    const used = { 'limits.memory': 0, 'requests.memory': 0 };
    for (const p of live) {
      const m = podMemory(p);
      used['limits.memory'] += m.limits;
      used['requests.memory'] += m.requests;
    }
    const want: Record<string, number> = { 'limits.memory': asked.limits, 'requests.memory': asked.requests, memory: asked.requests };
    const have: Record<string, number> = { ...used, memory: used['requests.memory'] };
    const over = Object.keys(want).filter((k) => hard[k] !== undefined && want[k]! > 0 && have[k]! + want[k]! > parseQuantity(hard[k])!).sort();
    if (over.length === 0) continue;
    const list = (values: Record<string, number | string>) => over.map((k) => `${k}=${typeof values[k] === 'number' ? quantity(values[k] as number) : values[k]}`).join(',');
    return `exceeded quota: ${rq.metadata.name}, requested: ${list(want)}, used: ${list(have)}, limited: ${list(hard)}`;
  }
  return undefined;
}

/** Throws the API server's 403 when a LimitRange or a ResourceQuota of the namespace refuses the pod. */
export function admitPod(store: Store, pod: K8sObject): void {
  const errors = limitRangeErrors(store, pod);
  const quota = errors.length ? undefined : quotaError(store, pod);
  const reasons = quota ? [quota] : errors;
  if (reasons.length === 0) return;
  const name = pod.metadata?.name || pod.metadata?.generateName || '';
  // utilerrors.NewAggregate: one error as is, several in brackets.
  const said = reasons.length === 1 ? reasons[0] : `[${reasons.join(', ')}]`;
  throw new ApiError(failure(403, 'Forbidden', `pods "${name}" is forbidden: ${said}`, { name, kind: 'pods' }));
}

/** A controller's pod creation through admission: the pod, or undefined and a FailedCreate event on the owner. */
export function createAdmittedPod(store: Store, events: EventRecorder, owner: K8sObject, pod: K8sObject, component: string): K8sObject | undefined {
  try {
    admitPod(store, pod);
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    events.record({ object: owner, type: 'Warning', reason: 'FailedCreate', message: `Error creating: ${err.status.message}`, component });
    return undefined;
  }
  return store.create('pods', pod);
}
