// The Deployment controller: a template change (including kubectl's restartedAt
// annotation) makes a new ReplicaSet keyed by pod-template-hash, and pods are replaced one
// at a time within maxSurge/maxUnavailable; status is written the way `kubectl rollout
// status` reads it (observedGeneration, updated/ready/available replicas, conditions).
import { createHash } from 'node:crypto';
import type { EventRecorder } from './events.ts';
import { iso } from './podStatus.ts';
import { controllerOf, ownerRef } from './replicasets.ts';
import type { K8sObject, Store } from './store.ts';

const hashAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

/**
 * Sorted keys, no nulls, no empty objects/lists: templates that mean the same hash the same,
 * whoever serialised them (kubectl's rollout undo sends Go's encoding, with
 * `creationTimestamp: null` and its own key order).
 */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    if (key === 'pod-template-hash') continue;
    const v = canonical((value as Record<string, unknown>)[key]);
    if (v === null || v === undefined) continue;
    if (typeof v === 'object' && Object.keys(v as object).length === 0) continue;
    out[key] = v;
  }
  return out;
}

/** A pod-template-hash that looks like the real one (a short safe-encoded string). */
export function templateHash(template: K8sObject): string {
  const digest = createHash('sha256').update(JSON.stringify(canonical(template))).digest();
  let out = '';
  for (let i = 0; i < 10; i++) out += hashAlphabet[digest[i] % hashAlphabet.length];
  return out;
}

/** intOrString like "25%" or 1, resolved against the replica count (surge rounds up, unavailable down). */
function resolve(value: unknown, replicas: number, roundUp: boolean): number {
  if (typeof value === 'string' && value.endsWith('%')) {
    const x = (Number(value.slice(0, -1)) / 100) * replicas;
    return roundUp ? Math.ceil(x) : Math.floor(x);
  }
  return Number(value ?? 0);
}

const revisionKey = 'deployment.kubernetes.io/revision';

export class DeploymentController {
  private readonly store: Store;
  private readonly events: EventRecorder;

  constructor(store: Store, events: EventRecorder) {
    this.store = store;
    this.events = events;
  }

  reconcile(): boolean {
    let changed = false;
    const uids = new Set<string>();
    for (const d of this.store.list('deployments')) {
      uids.add(d.metadata.uid);
      // Being deleted (foreground or orphaning): the garbage collector owns its ReplicaSets now.
      if (!d.metadata.deletionTimestamp) changed = this.reconcileOne(d) || changed;
    }
    for (const rs of this.store.listRaw('replicasets')) {
      const owner = controllerOf(rs);
      if (owner?.kind === 'Deployment' && !uids.has(owner.uid)) {
        this.store.delete('replicasets', rs.metadata.namespace, rs.metadata.name);
        changed = true;
      }
    }
    return changed;
  }

  private scale(d: K8sObject, rs: K8sObject, to: number): void {
    const from = rs.spec.replicas ?? 0;
    if (from === to) return;
    this.store.mutate('replicasets', rs.metadata.namespace, rs.metadata.name, (r) => {
      r.spec.replicas = to;
      r.metadata.annotations = { ...r.metadata.annotations, 'deployment.kubernetes.io/desired-replicas': String(d.spec.replicas), 'deployment.kubernetes.io/max-replicas': String(d.spec.replicas + 1) };
    });
    rs.spec.replicas = to;
    const verb = to > from ? 'up' : 'down';
    this.events.record({ object: d, reason: 'ScalingReplicaSet', message: `Scaled ${verb} replica set ${rs.metadata.name} from ${from} to ${to}`, component: 'deployment-controller' });
  }

  private reconcileOne(d: K8sObject): boolean {
    const before = this.store.resourceVersion;
    const ns = d.metadata.namespace;
    const owned = this.store.list('replicasets', ns).filter((rs) => controllerOf(rs)?.uid === d.metadata.uid);
    const hash = templateHash(d.spec.template);
    let newRS = owned.find((rs) => rs.metadata.labels?.['pod-template-hash'] === hash);
    const oldRSs = owned.filter((rs) => rs !== newRS);
    const desired = d.spec.replicas ?? 1;
    const maxRevision = Math.max(0, ...owned.map((rs) => Number(rs.metadata.annotations?.[revisionKey] ?? 0)));
    if (!newRS) {
      const anyOldPods = oldRSs.some((rs) => (rs.spec.replicas ?? 0) > 0);
      const tpl = structuredClone(d.spec.template);
      tpl.metadata = { ...tpl.metadata, labels: { ...tpl.metadata?.labels, 'pod-template-hash': hash } };
      newRS = this.store.create('replicasets', {
        apiVersion: 'apps/v1', kind: 'ReplicaSet',
        metadata: {
          name: `${d.metadata.name}-${hash}`, namespace: ns, labels: tpl.metadata.labels, ownerReferences: [ownerRef(d)],
          annotations: { 'deployment.kubernetes.io/desired-replicas': String(desired), 'deployment.kubernetes.io/max-replicas': String(desired + 1), [revisionKey]: String(maxRevision + 1) },
        },
        spec: { replicas: 0, minReadySeconds: 0, selector: { matchLabels: { ...d.spec.selector?.matchLabels, 'pod-template-hash': hash } }, template: tpl },
        status: { replicas: 0 },
      }, {}, 'apps');
      this.scale(d, newRS, anyOldPods ? 0 : desired);
    } else if (Number(newRS.metadata.annotations?.[revisionKey] ?? 0) < maxRevision) {
      // A rollback to an older template: its ReplicaSet becomes the newest revision again.
      this.store.mutate('replicasets', ns, newRS.metadata.name, (r) => { r.metadata.annotations[revisionKey] = String(maxRevision + 1); });
    }
    const revision = this.store.get('replicasets', ns, newRS.metadata.name)?.metadata.annotations?.[revisionKey];
    if (!d.spec.paused) this.rollOnce(d, newRS, oldRSs, desired);
    this.writeStatus(d, newRS.metadata.name, revision);
    return this.store.resourceVersion !== before;
  }

  private rollOnce(d: K8sObject, newRS: K8sObject, oldRSs: K8sObject[], desired: number): void {
    const live = oldRSs.filter((rs) => (rs.spec.replicas ?? 0) > 0);
    if (live.length === 0) return this.scale(d, newRS, desired);
    const ru = d.spec.strategy?.rollingUpdate ?? {};
    const recreate = d.spec.strategy?.type === 'Recreate';
    let maxSurge = recreate ? 0 : resolve(ru.maxSurge ?? '25%', desired, true);
    let maxUnavailable = recreate ? desired : resolve(ru.maxUnavailable ?? '25%', desired, false);
    if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
    const total = [newRS, ...oldRSs].reduce((n, rs) => n + (rs.spec.replicas ?? 0), 0);
    const newReplicas = newRS.spec.replicas ?? 0;
    if (newReplicas < desired && total < desired + maxSurge) {
      this.scale(d, newRS, newReplicas + Math.min(desired - newReplicas, desired + maxSurge - total));
    }
    const available = [newRS, ...oldRSs].reduce((n, rs) => n + (rs.status?.availableReplicas ?? 0), 0);
    let canRemove = available - (desired - maxUnavailable);
    for (const rs of live) {
      const replicas = rs.spec.replicas ?? 0;
      const unhealthy = Math.max(0, replicas - (rs.status?.availableReplicas ?? 0));
      const remove = Math.min(replicas, unhealthy + Math.max(0, canRemove));
      if (remove <= 0) continue;
      canRemove -= Math.max(0, remove - unhealthy);
      this.scale(d, rs, replicas - remove);
    }
  }

  /**
   * The Progressing condition of a rollout not complete, as the deployment controller's
   * syncRolloutStatus keeps it: lastUpdateTime moves only when the rollout made progress (more
   * updated, ready or available replicas, fewer old ones, or a new ReplicaSet); no progress for
   * progressDeadlineSeconds turns it False with ProgressDeadlineExceeded, which stays until the
   * rollout moves again. This is what `kubectl rollout status` fails on.
   */
  private progressing(d: K8sObject, newName: string, now: { replicas: number; updated: number; ready: number; available: number }): K8sObject {
    const old = d.status ?? {};
    const prev = (old.conditions ?? []).find((c: K8sObject) => c.type === 'Progressing');
    const moved = !prev || !String(prev.message ?? '').includes(`"${newName}"`) ||
      now.updated > (old.updatedReplicas ?? 0) || now.replicas - now.updated < (old.replicas ?? 0) - (old.updatedReplicas ?? 0) ||
      now.ready > (old.readyReplicas ?? 0) || now.available > (old.availableReplicas ?? 0);
    const at = iso();
    if (moved) {
      return { type: 'Progressing', status: 'True', lastUpdateTime: at, lastTransitionTime: prev?.status === 'True' ? prev.lastTransitionTime : at, reason: 'ReplicaSetUpdated', message: `ReplicaSet "${newName}" is progressing.` };
    }
    if (prev.reason === 'ProgressDeadlineExceeded') return prev;
    const deadline = d.spec.progressDeadlineSeconds;
    if (typeof deadline === 'number' && Date.parse(prev.lastUpdateTime) + deadline * 1000 < Date.now()) {
      return { type: 'Progressing', status: 'False', lastUpdateTime: at, lastTransitionTime: at, reason: 'ProgressDeadlineExceeded', message: `ReplicaSet "${newName}" has timed out progressing.` };
    }
    return prev;
  }

  private writeStatus(d: K8sObject, newName: string, revision: string | undefined): void {
    const ns = d.metadata.namespace;
    const all = this.store.list('replicasets', ns).filter((rs) => controllerOf(rs)?.uid === d.metadata.uid);
    const newRS = all.find((rs) => rs.metadata.name === newName)!;
    const sum = (f: (rs: K8sObject) => number) => all.reduce((n, rs) => n + f(rs), 0);
    const desired = d.spec.replicas ?? 1;
    const specTotal = sum((rs) => rs.spec.replicas ?? 0);
    const replicas = sum((rs) => rs.status?.replicas ?? 0);
    const updated = newRS.status?.replicas ?? 0;
    const ready = sum((rs) => rs.status?.readyReplicas ?? 0);
    const available = sum((rs) => rs.status?.availableReplicas ?? 0);
    const maxUnavailable = resolve(d.spec.strategy?.rollingUpdate?.maxUnavailable ?? '25%', desired, false);
    const complete = updated === desired && replicas === desired && available === desired && (newRS.spec.replicas ?? 0) === desired;
    const availableOk = available >= desired - maxUnavailable;
    const old = d.status ?? {};
    const cond = (type: string, ok: boolean, reason: string, message: string): K8sObject => {
      const prev = (old.conditions ?? []).find((c: K8sObject) => c.type === type);
      const now = iso();
      const same = prev && prev.status === (ok ? 'True' : 'False') && prev.reason === reason && prev.message === message;
      const transitioned = !prev || prev.status !== (ok ? 'True' : 'False');
      return { type, status: ok ? 'True' : 'False', lastUpdateTime: same ? prev.lastUpdateTime : now, lastTransitionTime: transitioned ? now : prev.lastTransitionTime, reason, message };
    };
    const status: K8sObject = {
      observedGeneration: d.metadata.generation, replicas, updatedReplicas: updated, readyReplicas: ready, availableReplicas: available,
      conditions: [
        availableOk ? cond('Available', true, 'MinimumReplicasAvailable', 'Deployment has minimum availability.') : cond('Available', false, 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.'),
        complete ? cond('Progressing', true, 'NewReplicaSetAvailable', `ReplicaSet "${newName}" has successfully progressed.`) : this.progressing(d, newName, { replicas, updated, ready, available }),
      ],
    };
    if (specTotal - available > 0) status.unavailableReplicas = specTotal - available;
    const annotations = { ...d.metadata.annotations, ...(revision ? { [revisionKey]: revision } : {}) };
    if (JSON.stringify(status) === JSON.stringify(old) && JSON.stringify(annotations) === JSON.stringify(d.metadata.annotations)) return;
    this.store.mutate('deployments', ns, d.metadata.name, (x) => { x.status = status; x.metadata.annotations = annotations; });
  }
}
