// The ReplicaSet controller: keeps as many pods as spec.replicas (removing unready and
// newest pods first), reports replicas/ready/available, and collects pods whose owner is gone.
import { createAdmittedPod } from './admission.ts';
import type { EventRecorder } from './events.ts';
import type { Kubelet } from './kubelet.ts';
import { iso } from './podStatus.ts';
import type { K8sObject, Store } from './store.ts';

export function isReady(pod: K8sObject): boolean {
  return (pod.status?.conditions ?? []).some((c: K8sObject) => c.type === 'Ready' && c.status === 'True');
}

export function controllerOf(obj: K8sObject): K8sObject | undefined {
  return (obj.metadata.ownerReferences ?? []).find((o: K8sObject) => o.controller);
}

export function ownerRef(owner: K8sObject): K8sObject {
  return { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name, uid: owner.metadata.uid, controller: true, blockOwnerDeletion: true };
}

export class ReplicaSetController {
  private readonly store: Store;
  private readonly kubelet: Kubelet;
  private readonly events: EventRecorder;

  constructor(store: Store, kubelet: Kubelet, events: EventRecorder) {
    this.store = store;
    this.kubelet = kubelet;
    this.events = events;
  }

  /** One pass over every ReplicaSet; returns true when it changed something. */
  reconcile(): boolean {
    let changed = false;
    const rsUids = new Set<string>();
    for (const rs of this.store.list('replicasets')) {
      rsUids.add(rs.metadata.uid);
      changed = this.reconcileOne(rs) || changed;
    }
    // Garbage collection: pods owned by a ReplicaSet that no longer exists.
    for (const pod of this.store.listRaw('pods')) {
      const owner = controllerOf(pod);
      if (owner?.kind === 'ReplicaSet' && !rsUids.has(owner.uid) && !pod.metadata.deletionTimestamp) {
        this.deletePod(pod);
        changed = true;
      }
    }
    return changed;
  }

  private podsOf(rs: K8sObject): K8sObject[] {
    return this.store.listRaw('pods', rs.metadata.namespace).filter((p) => controllerOf(p)?.uid === rs.metadata.uid);
  }

  private reconcileOne(rs: K8sObject): boolean {
    const pods = this.podsOf(rs);
    const active = pods.filter((p) => !p.metadata.deletionTimestamp);
    // A ReplicaSet being deleted (foreground or orphaning) no longer manages its pods.
    const want = rs.metadata.deletionTimestamp ? active.length : rs.spec.replicas ?? 1;
    let changed = false;
    for (let i = active.length; i < want; i++) {
      const tpl = rs.spec.template;
      const pod = createAdmittedPod(this.store, this.events, rs, {
        apiVersion: 'v1', kind: 'Pod',
        metadata: { generateName: `${rs.metadata.name}-`, namespace: rs.metadata.namespace, labels: { ...tpl.metadata?.labels }, annotations: { ...tpl.metadata?.annotations }, ownerReferences: [ownerRef(rs)] },
        spec: structuredClone(tpl.spec),
        status: { phase: 'Pending', qosClass: 'BestEffort' },
      }, 'replicaset-controller');
      if (!pod) break; // refused by admission: FailedCreate recorded, retried on the next pass
      this.events.record({ object: rs, reason: 'SuccessfulCreate', message: `Created pod: ${pod.metadata.name}`, component: 'replicaset-controller' });
      changed = true;
    }
    if (active.length > want) {
      // Like the real controller: unready pods go first, then the most recently created.
      const victims = [...active].sort((a, b) => Number(isReady(a)) - Number(isReady(b)) || b.metadata.creationTimestamp.localeCompare(a.metadata.creationTimestamp) || b.metadata.name.localeCompare(a.metadata.name));
      for (const pod of victims.slice(0, active.length - want)) {
        this.deletePod(pod);
        this.events.record({ object: rs, reason: 'SuccessfulDelete', message: `Deleted pod: ${pod.metadata.name}`, component: 'replicaset-controller' });
      }
      changed = true;
    }
    const now = this.podsOf(rs).filter((p) => !p.metadata.deletionTimestamp);
    const ready = now.filter(isReady).length;
    const status = { replicas: now.length, fullyLabeledReplicas: now.length, readyReplicas: ready, availableReplicas: ready, observedGeneration: rs.metadata.generation };
    if (JSON.stringify(status) !== JSON.stringify(rs.status)) {
      this.store.mutate('replicasets', rs.metadata.namespace, rs.metadata.name, (r) => { r.status = status; });
      changed = true;
    }
    return changed;
  }

  deletePod(pod: K8sObject): void {
    const { namespace, name } = pod.metadata;
    this.store.mutate('pods', namespace, name, (p) => {
      const grace = p.spec?.terminationGracePeriodSeconds ?? 30;
      // Like the API server: the time by which the pod must be gone, not the time of the request.
      p.metadata.deletionTimestamp = iso(new Date(Date.now() + grace * 1000));
      p.metadata.deletionGracePeriodSeconds = grace;
    });
    void this.kubelet.terminate(namespace, name);
  }
}
