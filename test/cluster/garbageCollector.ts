// The garbage collector's finalizers: an object deleted with propagationPolicy Orphan keeps its
// dependents (their ownerReferences to it are removed, then it goes); one deleted with Foreground
// goes only after its dependents (deleted in turn, in the foreground) are gone. Dependents of an
// owner deleted in the background are collected by the controllers (replicasets.ts, rollout.ts).
import { iso } from './podStatus.ts';
import type { K8sObject, Store } from './store.ts';

/** Owners first would leave dependents waiting a pass: the order in which a foreground deletion finishes. */
const resources = ['pods', 'replicasets', 'deployments', 'statefulsets', 'daemonsets'];

export class GarbageCollector {
  private readonly store: Store;
  private readonly deletePod: (pod: K8sObject) => void;

  constructor(store: Store, deletePod: (pod: K8sObject) => void) {
    this.store = store;
    this.deletePod = deletePod;
  }

  private dependents(owner: K8sObject): { resource: string; obj: K8sObject }[] {
    const out: { resource: string; obj: K8sObject }[] = [];
    for (const resource of resources) {
      for (const obj of this.store.listRaw(resource, owner.metadata.namespace)) {
        if ((obj.metadata.ownerReferences ?? []).some((r: K8sObject) => r.uid === owner.metadata.uid)) out.push({ resource, obj });
      }
    }
    return out;
  }

  /** One pass; returns true when it changed something. */
  collect(): boolean {
    let changed = false;
    for (const resource of resources) {
      const deleting = this.store.listRaw(resource).filter((o) => o.metadata.deletionTimestamp).map((o) => structuredClone(o));
      for (const obj of deleting) changed = this.finalize(resource, obj) || changed;
    }
    return changed;
  }

  private finalize(resource: string, obj: K8sObject): boolean {
    const { namespace, name, uid } = obj.metadata;
    const finalizers: string[] = obj.metadata.finalizers ?? [];
    let done: string | undefined;
    if (finalizers.includes('orphan')) {
      for (const d of this.dependents(obj)) {
        this.store.mutate(d.resource, namespace, d.obj.metadata.name, (o) => {
          o.metadata.ownerReferences = o.metadata.ownerReferences.filter((r: K8sObject) => r.uid !== uid);
          if (o.metadata.ownerReferences.length === 0) delete o.metadata.ownerReferences;
        });
      }
      done = 'orphan';
    } else if (finalizers.includes('foregroundDeletion')) {
      const dependents = this.dependents(obj);
      if (dependents.length === 0) done = 'foregroundDeletion';
      for (const d of dependents) {
        if (d.obj.metadata.deletionTimestamp) continue;
        if (d.resource === 'pods') this.deletePod(d.obj);
        else this.store.mutate(d.resource, namespace, d.obj.metadata.name, (o) => {
          o.metadata.deletionTimestamp = iso();
          o.metadata.deletionGracePeriodSeconds = 0;
          o.metadata.finalizers = [...(o.metadata.finalizers ?? []), 'foregroundDeletion'];
        });
      }
      if (!done) return dependents.some((d) => !d.obj.metadata.deletionTimestamp);
    }
    const left = finalizers.filter((f) => f !== done);
    // A pod still within its grace period is removed by the kubelet once its processes have stopped.
    const removable = left.length === 0 && (resource !== 'pods' || obj.metadata.deletionGracePeriodSeconds === 0);
    if (removable) {
      this.store.delete(resource, namespace, name);
      return true;
    }
    if (!done) return false;
    this.store.mutate(resource, namespace, name, (o) => {
      if (left.length) o.metadata.finalizers = left;
      else delete o.metadata.finalizers;
    });
    return true;
  }
}
