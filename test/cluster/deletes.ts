// DELETE as the API server's generic store runs it (registry/generic/registry/store.go Delete):
// pods are deleted gracefully (deletionTimestamp = now + grace period, gone once their processes
// stop; grace 0 removes them at once), propagationPolicy Orphan and Foreground become the
// garbage collector's finalizers (garbageCollector.ts), dryRun answers without changing anything.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiContext } from './context.ts';
import { sendJson } from './http.ts';
import { deleteOptions, type DeleteOptions } from './options.ts';
import { iso } from './podStatus.ts';
import type { ResourceType } from './registry.ts';
import type { RequestInfo } from './request.ts';
import type { K8sObject } from './store.ts';

/** Stores with ReturnDeletedObject (a namespace's own Delete also returns it); the others answer a Success Status. */
const returnsObject = new Set(['pods', 'services', 'namespaces']);
const gcFinalizers = ['orphan', 'foregroundDeletion'];

/** What to do: answer with the object as it stands, mark it (deletionTimestamp, finalizers), or remove it. */
type Plan = { kind: 'pending' } | { kind: 'mark'; next: K8sObject } | { kind: 'remove'; last: K8sObject };

/** The finalizers the garbage collector needs for these options (deletionFinalizersForGarbageCollection). */
function finalizersFor(current: string[], opts: DeleteOptions): string[] {
  const explicit = opts.orphanDependents !== undefined || opts.propagationPolicy !== undefined;
  const orphan = explicit ? opts.orphanDependents ?? opts.propagationPolicy === 'Orphan' : current.includes('orphan');
  const foreground = explicit ? opts.propagationPolicy === 'Foreground' : current.includes('foregroundDeletion');
  return [...current.filter((f) => !gcFinalizers.includes(f)), ...(orphan ? ['orphan'] : []), ...(foreground ? ['foregroundDeletion'] : [])];
}

/** A pod's grace period (the pod strategy's CheckGracefulDelete): asked, else the spec's; 0 when unscheduled or finished. */
function gracePeriod(pod: K8sObject, asked: number | undefined): number {
  let period = asked ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
  if (period < 0) period = 1;
  if (!pod.spec?.nodeName || ['Failed', 'Succeeded'].includes(pod.status?.phase)) period = 0;
  return period;
}

function plan(obj: K8sObject, type: ResourceType, opts: DeleteOptions): Plan {
  const next = structuredClone(obj);
  const meta = next.metadata;
  let grace: number | undefined;
  if (type.resource === 'pods') {
    const current = meta.deletionGracePeriodSeconds;
    if (meta.deletionTimestamp && current) {
      // Already terminating: only a shorter grace period changes anything.
      const asked = opts.gracePeriodSeconds === undefined ? undefined : Math.max(opts.gracePeriodSeconds, 0);
      if (asked === undefined || asked >= current) return { kind: 'pending' };
      grace = asked;
      meta.deletionTimestamp = iso(new Date(Date.parse(meta.deletionTimestamp) - (current - asked) * 1000));
    } else if (!meta.deletionTimestamp) {
      grace = gracePeriod(next, opts.gracePeriodSeconds);
      meta.deletionTimestamp = iso(new Date(Date.now() + grace * 1000));
    }
    if (grace !== undefined) meta.deletionGracePeriodSeconds = grace;
  }
  const current: string[] = meta.finalizers ?? [];
  const finalizers = finalizersFor(current, opts);
  if (finalizers.length) {
    meta.finalizers = finalizers;
    // Not graceful but finalized: marked as deleting now, with a zero grace period (markAsDeleting).
    if (grace === undefined) {
      meta.deletionTimestamp ??= iso();
      meta.deletionGracePeriodSeconds = 0;
    }
    return { kind: 'mark', next };
  }
  if (current.length) delete meta.finalizers;
  if (grace !== undefined && grace > 0) return { kind: 'mark', next };
  return { kind: 'remove', last: grace === undefined ? obj : next };
}

function deletedStatus(obj: K8sObject, type: ResourceType): K8sObject {
  const details: K8sObject = { name: obj.metadata.name, group: type.group || undefined, kind: type.resource, uid: obj.metadata.uid };
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details };
}

export async function remove(req: IncomingMessage, res: ServerResponse, info: RequestInfo, type: ResourceType, ctx: ApiContext): Promise<void> {
  const opts = await deleteOptions(req, info);
  const ns = type.namespaced ? info.namespace : undefined;
  const obj = ctx.store.mustGet(type.resource, type.group, ns, info.name!);
  const step = plan(obj, type, opts);
  const finished = (o: K8sObject) => (returnsObject.has(type.resource) ? o : deletedStatus(o, type));
  if (step.kind === 'pending') return sendJson(res, 200, finished(obj));
  if (step.kind === 'mark') {
    if (opts.dryRun) return sendJson(res, 200, step.next);
    const marked = ctx.store.update(type.resource, step.next, {}, type.group);
    // The kubelet stops the containers and removes the pod once they have exited.
    if (type.resource === 'pods' && !obj.metadata.deletionTimestamp) void ctx.kubelet.terminate(ns!, info.name!);
    return sendJson(res, 200, marked);
  }
  if (opts.dryRun) return sendJson(res, 200, finished(step.last));
  // A pod removed at once is first written with its deletionTimestamp, as the real store does (MODIFIED, then DELETED).
  if (step.last !== obj) ctx.store.update(type.resource, step.last, {}, type.group);
  // The kubelet sees the DELETED event and stops the pod's processes.
  sendJson(res, 200, finished(ctx.store.delete(type.resource, ns, info.name!, type.group)));
}
