// HorizontalPodAutoscalers (autoscaling/v2) without metrics: the controller only keeps the
// target's replicas within [minReplicas, maxReplicas] through its scale, as the real one does
// before any metric is read, and reports currentReplicas/desiredReplicas.
import type { K8sObject, Store } from './store.ts';

const TARGETS: Readonly<Record<string, string>> = { Deployment: 'deployments', StatefulSet: 'statefulsets', ReplicaSet: 'replicasets' };

export function reconcileAutoscalers(store: Store): boolean {
  let changed = false;
  for (const hpa of store.list('horizontalpodautoscalers')) {
    const ref = hpa.spec?.scaleTargetRef ?? {};
    const resource = TARGETS[ref.kind];
    const target: K8sObject | undefined = resource ? store.get(resource, hpa.metadata.namespace, ref.name) : undefined;
    if (!resource || !target) continue;
    const min = hpa.spec?.minReplicas ?? 1;
    const max = hpa.spec?.maxReplicas ?? min;
    const current = target.spec?.replicas ?? 1;
    const desired = Math.min(Math.max(current, min), max);
    if (desired !== current) {
      store.mutate(resource, hpa.metadata.namespace, ref.name, (t) => { t.spec.replicas = desired; });
      changed = true;
    }
    const status = { currentReplicas: target.status?.replicas ?? current, desiredReplicas: desired };
    if (JSON.stringify(status) !== JSON.stringify({ currentReplicas: hpa.status?.currentReplicas, desiredReplicas: hpa.status?.desiredReplicas })) {
      store.mutate('horizontalpodautoscalers', hpa.metadata.namespace, hpa.metadata.name, (h) => { h.status = { ...h.status, ...status }; });
      changed = true;
    }
  }
  return changed;
}
