// What the request handlers share: the store, the kubelet, the fault switches, the config.
import type { ClusterConfig } from './config.ts';
import type { Runtime } from './driver.ts';
import type { Faults } from './faults.ts';
import type { Kubelet } from './kubelet.ts';
import type { ReplicaSetController } from './replicasets.ts';
import type { Store } from './store.ts';

export interface ApiContext {
  store: Store;
  kubelet: Kubelet;
  replicaSets: ReplicaSetController;
  runtime: Runtime | undefined;
  faults: Faults;
  config: ClusterConfig;
  /** service proxy targets, keyed "namespace/name:port" -> base URL */
  serviceTargets: Map<string, string>;
}
