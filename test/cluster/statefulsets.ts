// The StatefulSet controller: pods <name>-0 .. <name>-(n-1) with stable names and hostnames under
// the governing Service (spec.hostname/subdomain), created in order (OrderedReady: the next only
// once the previous is Running and Ready, or all at once with Parallel), removed from the highest
// ordinal; a template change (kubectl rollout restart's annotation too) is rolled out by deleting
// the highest pod not at the update revision, one at a time, each replaced before the next; status
// as `kubectl rollout status statefulset` reads it (currentRevision, updateRevision, updatedReplicas).
import { createAdmittedPod } from './admission.ts';
import type { EventRecorder } from './events.ts';
import type { ReplicaSetController } from './replicasets.ts';
import { isReady, ownerRef } from './replicasets.ts';
import { templateHash } from './rollout.ts';
import type { K8sObject, Store } from './store.ts';
import { PodOwnerController } from './podOwner.ts';

const revisionLabel = 'controller-revision-hash';

function ordinalOf(sts: K8sObject, pod: K8sObject): number {
  const m = new RegExp(`^${sts.metadata.name}-(\\d+)$`).exec(pod.metadata.name);
  return m ? Number(m[1]) : -1;
}

export function updateRevision(sts: K8sObject): string {
  return `${sts.metadata.name}-${templateHash(sts.spec.template)}`;
}

export class StatefulSetController extends PodOwnerController {
  constructor(store: Store, events: EventRecorder, replicaSets: ReplicaSetController) {
    super(store, events, replicaSets, 'statefulsets', 'StatefulSet');
  }

  private createPod(sts: K8sObject, ordinal: number, revision: string): void {
    const tpl = sts.spec.template;
    const name = `${sts.metadata.name}-${ordinal}`;
    const spec = structuredClone(tpl.spec);
    spec.hostname = name;
    if (sts.spec.serviceName) spec.subdomain = sts.spec.serviceName;
    const pod = createAdmittedPod(this.store, this.events, sts, {
      apiVersion: 'v1', kind: 'Pod',
      metadata: {
        name, namespace: sts.metadata.namespace, annotations: { ...tpl.metadata?.annotations }, ownerReferences: [ownerRef(sts)],
        labels: { ...tpl.metadata?.labels, [revisionLabel]: revision, 'statefulset.kubernetes.io/pod-name': name, 'apps.kubernetes.io/pod-index': String(ordinal) },
      },
      spec, status: { phase: 'Pending', qosClass: 'BestEffort' },
    }, 'statefulset-controller');
    if (!pod) return;
    this.events.record({ object: sts, reason: 'SuccessfulCreate', message: `create Pod ${name} in StatefulSet ${sts.metadata.name} successful`, component: 'statefulset-controller' });
  }

  private deletePod(sts: K8sObject, pod: K8sObject): void {
    this.replicaSets.deletePod(pod);
    this.events.record({ object: sts, reason: 'SuccessfulDelete', message: `delete Pod ${pod.metadata.name} in StatefulSet ${sts.metadata.name} successful`, component: 'statefulset-controller' });
  }

  protected reconcileOne(sts: K8sObject): boolean {
    const want = sts.metadata.deletionTimestamp ? 0 : sts.spec.replicas ?? 1;
    const parallel = sts.spec.podManagementPolicy === 'Parallel';
    const revision = updateRevision(sts);
    const pods = this.podsOf(sts);
    const byOrdinal = new Map(pods.map((p) => [ordinalOf(sts, p), p]));
    const terminating = pods.some((p) => p.metadata.deletionTimestamp);
    let changed = false;
    // Scale up in order: OrderedReady waits for each pod to be Running and Ready (and nothing terminating).
    for (let i = 0; i < want; i++) {
      const pod = byOrdinal.get(i);
      if (pod) {
        if (!parallel && (!isReady(pod) || pod.metadata.deletionTimestamp)) break;
        continue;
      }
      if (!parallel && terminating) break;
      this.createPod(sts, i, revision);
      changed = true;
      if (!parallel) break;
    }
    // Scale down from the highest ordinal, one at a time unless Parallel.
    const extra = pods.filter((p) => ordinalOf(sts, p) >= want && !p.metadata.deletionTimestamp).sort((a, b) => ordinalOf(sts, b) - ordinalOf(sts, a));
    for (const pod of parallel ? extra : extra.slice(0, 1)) {
      this.deletePod(sts, pod);
      changed = true;
    }
    // RollingUpdate: with every pod there and ready, replace the highest one not at the new revision.
    const current = this.podsOf(sts).filter((p) => !p.metadata.deletionTimestamp && ordinalOf(sts, p) < want);
    const strategy = sts.spec.updateStrategy?.type ?? 'RollingUpdate';
    const partition = sts.spec.updateStrategy?.rollingUpdate?.partition ?? 0;
    if (strategy === 'RollingUpdate' && !changed && current.length === want && current.every(isReady) && !this.podsOf(sts).some((p) => p.metadata.deletionTimestamp)) {
      const stale = current.filter((p) => p.metadata.labels?.[revisionLabel] !== revision && ordinalOf(sts, p) >= partition).sort((a, b) => ordinalOf(sts, b) - ordinalOf(sts, a));
      if (stale[0]) {
        this.deletePod(sts, stale[0]);
        changed = true;
      }
    }
    return this.writeStatus(sts, revision) || changed;
  }

  private writeStatus(sts: K8sObject, revision: string): boolean {
    const pods = this.podsOf(sts).filter((p) => !p.metadata.deletionTimestamp);
    const updated = pods.filter((p) => p.metadata.labels?.[revisionLabel] === revision);
    const ready = pods.filter(isReady).length;
    const old = sts.status ?? {};
    const done = updated.length === (sts.spec.replicas ?? 1) && pods.length === updated.length;
    const currentRevision = done || !old.currentRevision ? revision : old.currentRevision;
    const status: K8sObject = {
      observedGeneration: sts.metadata.generation, replicas: pods.length, readyReplicas: ready, availableReplicas: ready,
      currentReplicas: pods.filter((p) => p.metadata.labels?.[revisionLabel] === currentRevision).length, updatedReplicas: updated.length,
      currentRevision, updateRevision: revision, collisionCount: 0,
    };
    if (JSON.stringify(status) === JSON.stringify(old)) return false;
    this.store.mutate('statefulsets', sts.metadata.namespace, sts.metadata.name, (s) => { s.status = status; });
    return true;
  }
}

/** What the real server defaults on a created StatefulSet. */
export function defaultStatefulSet(s: K8sObject): void {
  s.spec ??= {};
  s.spec.replicas ??= 1;
  s.spec.podManagementPolicy ??= 'OrderedReady';
  s.spec.updateStrategy ??= { type: 'RollingUpdate', rollingUpdate: { partition: 0 } };
  s.spec.revisionHistoryLimit ??= 10;
  s.spec.persistentVolumeClaimRetentionPolicy ??= { whenDeleted: 'Retain', whenScaled: 'Retain' };
  s.status ??= {};
}
