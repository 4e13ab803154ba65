// What the StatefulSet and DaemonSet controllers share: one pass over their objects, and the
// garbage collection of pods whose owner was deleted in the background (as the real garbage
// collector does). Each subclass reconciles one object of its kind.
import type { EventRecorder } from './events.ts';
import type { ReplicaSetController } from './replicasets.ts';
import { controllerOf } from './replicasets.ts';
import type { K8sObject, Store } from './store.ts';

export abstract class PodOwnerController {
  protected readonly store: Store;
  protected readonly events: EventRecorder;
  protected readonly replicaSets: ReplicaSetController;
  private readonly resource: string;
  private readonly kind: string;

  constructor(store: Store, events: EventRecorder, replicaSets: ReplicaSetController, resource: string, kind: string) {
    this.store = store;
    this.events = events;
    this.replicaSets = replicaSets;
    this.resource = resource;
    this.kind = kind;
  }

  reconcile(): boolean {
    let changed = false;
    const uids = new Set<string>();
    for (const owner of this.store.list(this.resource)) {
      uids.add(owner.metadata.uid);
      changed = this.reconcileOne(owner) || changed;
    }
    for (const pod of this.store.listRaw('pods')) {
      const owner = controllerOf(pod);
      if (owner?.kind === this.kind && !uids.has(owner.uid) && !pod.metadata.deletionTimestamp) {
        this.replicaSets.deletePod(pod);
        changed = true;
      }
    }
    return changed;
  }

  protected podsOf(owner: K8sObject): K8sObject[] {
    return this.store.listRaw('pods', owner.metadata.namespace).filter((p) => controllerOf(p)?.uid === owner.metadata.uid);
  }

  protected abstract reconcileOne(owner: K8sObject): boolean;
}
