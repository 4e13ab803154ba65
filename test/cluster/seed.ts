// Fills the store from the cluster config: namespaces, the node, services, deployments
// (their controllers make the ReplicaSets and pods), bare pods and synthetic pods in bulk.
import type { ClusterConfig } from './config.ts';
import { barePodObject, daemonSetObject, deploymentObject, namespaceObject, nodeObject, serviceObject, statefulSetObject } from './objects.ts';
import type { Store } from './store.ts';

export function seed(store: Store, config: ClusterConfig): void {
  for (const ns of config.namespaces) store.create('namespaces', namespaceObject(ns));
  store.create('nodes', nodeObject());
  store.create('services', serviceObject({ name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' }, ports: [{ name: 'https', port: 443, targetPort: 6443 }] }));
  const ensureNs = (ns: string | undefined) => {
    if (ns && !store.get('namespaces', undefined, ns)) store.create('namespaces', namespaceObject(ns));
  };
  for (const s of config.services) {
    ensureNs(s.namespace);
    store.create('services', serviceObject(s));
  }
  for (const d of config.deployments) {
    ensureNs(d.namespace);
    store.create('deployments', deploymentObject(d), {}, 'apps');
  }
  for (const s of config.statefulSets) {
    ensureNs(s.namespace);
    store.create('statefulsets', statefulSetObject(s), {}, 'apps');
  }
  for (const d of config.daemonSets ?? []) {
    ensureNs(d.namespace);
    store.create('daemonsets', daemonSetObject(d), {}, 'apps');
  }
  for (const p of config.pods) {
    ensureNs(p.namespace);
    store.create('pods', barePodObject(p));
  }
  for (const s of config.synthetic) {
    ensureNs(s.namespace);
    const width = String(s.count).length;
    for (let i = 0; i < s.count; i++) {
      const name = `${s.namePrefix}-${String(i).padStart(width, '0')}`;
      const container = { ...s.container, workload: undefined };
      store.create('pods', barePodObject({ name, namespace: s.namespace, labels: s.labels, container }, s.memory));
    }
  }
}
