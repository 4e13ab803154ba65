// The DaemonSet controller on the emulator's one node: one pod per (the) node, named from the
// DaemonSet (generateName), labelled with controller-revision-hash and pod-template-generation;
// a template change (kubectl rollout restart's annotation too) is rolled out with RollingUpdate's
// defaults (maxUnavailable 1, maxSurge 0): the stale pod is deleted, and its replacement created
// once it is gone; OnDelete leaves stale pods until someone deletes them. Status as `kubectl
// rollout status daemonset` reads it (desired, current, updated, ready, available numbers).
import { createAdmittedPod } from './admission.ts';
import type { EventRecorder } from './events.ts';
import type { ReplicaSetController } from './replicasets.ts';
import { isReady, ownerRef } from './replicasets.ts';
import { templateHash } from './rollout.ts';
import { nodeName } from './objects.ts';
import type { K8sObject, Store } from './store.ts';
import { PodOwnerController } from './podOwner.ts';

const revisionLabel = 'controller-revision-hash';

export class DaemonSetController extends PodOwnerController {
  constructor(store: Store, events: EventRecorder, replicaSets: ReplicaSetController) {
    super(store, events, replicaSets, 'daemonsets', 'DaemonSet');
  }

  protected reconcileOne(ds: K8sObject): boolean {
    const hash = templateHash(ds.spec.template);
    const pods = this.podsOf(ds);
    const active = pods.filter((p) => !p.metadata.deletionTimestamp);
    let changed = false;
    if (!ds.metadata.deletionTimestamp) {
      if (active.length === 0 && pods.length === 0) {
        this.createPod(ds, hash);
        changed = true;
      } else if ((ds.spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate') {
        // maxSurge 0: the node's stale pod goes first; the new one comes when it is gone.
        const stale = active.find((p) => p.metadata.labels?.[revisionLabel] !== hash);
        if (stale && pods.length === active.length) {
          this.replicaSets.deletePod(stale);
          this.events.record({ object: ds, reason: 'SuccessfulDelete', message: `Deleted pod: ${stale.metadata.name}`, component: 'daemonset-controller' });
          changed = true;
        }
      }
    }
    return this.writeStatus(ds, hash) || changed;
  }

  private createPod(ds: K8sObject, hash: string): void {
    const tpl = ds.spec.template;
    const spec = structuredClone(tpl.spec);
    // How the real controller pins a pod to its node (the scheduler then binds it there).
    spec.affinity = { ...spec.affinity, nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] }] } } };
    const pod = createAdmittedPod(this.store, this.events, ds, {
      apiVersion: 'v1', kind: 'Pod',
      metadata: {
        generateName: `${ds.metadata.name}-`, namespace: ds.metadata.namespace, annotations: { ...tpl.metadata?.annotations }, ownerReferences: [ownerRef(ds)],
        labels: { ...tpl.metadata?.labels, [revisionLabel]: hash, 'pod-template-generation': String(ds.metadata.generation ?? 1) },
      },
      spec, status: { phase: 'Pending', qosClass: 'BestEffort' },
    }, 'daemonset-controller');
    if (!pod) return;
    this.events.record({ object: ds, reason: 'SuccessfulCreate', message: `Created pod: ${pod.metadata.name}`, component: 'daemonset-controller' });
  }

  private writeStatus(ds: K8sObject, hash: string): boolean {
    const pods = this.podsOf(ds).filter((p) => !p.metadata.deletionTimestamp);
    const ready = pods.filter(isReady).length;
    const desired = ds.metadata.deletionTimestamp ? 0 : 1;
    const status: K8sObject = {
      currentNumberScheduled: pods.length, numberMisscheduled: 0, desiredNumberScheduled: desired, numberReady: ready,
      observedGeneration: ds.metadata.generation, updatedNumberScheduled: pods.filter((p) => p.metadata.labels?.[revisionLabel] === hash).length,
      numberAvailable: ready,
    };
    if (desired - ready > 0) status.numberUnavailable = desired - ready;
    if (JSON.stringify(status) === JSON.stringify(ds.status ?? {})) return false;
    this.store.mutate('daemonsets', ds.metadata.namespace, ds.metadata.name, (d) => { d.status = status; });
    return true;
  }
}

/** What the real server defaults on a created DaemonSet. */
export function defaultDaemonSet(d: K8sObject): void {
  d.spec ??= {};
  d.spec.updateStrategy ??= { type: 'RollingUpdate' };
  if (d.spec.updateStrategy.type === 'RollingUpdate') d.spec.updateStrategy.rollingUpdate ??= { maxUnavailable: 1, maxSurge: 0 };
  d.spec.revisionHistoryLimit ??= 10;
  d.status ??= {};
}
