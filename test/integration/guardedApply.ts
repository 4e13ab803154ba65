// The guarded engine without the VS Code half, for integration tests: plan, dry run, apply, each
// asserted to succeed; the plan comes back for a look at the exact request.
import assert from 'node:assert/strict';
import { KubeConfig as KubeConfigClass, type KubeConfig } from '@kubernetes/client-node';
import { startCluster, type Cluster, type ClusterConfig } from '../cluster/index.ts';
import { Kubectl } from './kubectl.ts';
import { applyChange, dryRunChange, planChange, type ChangeSpec, type PlannedChange } from '../../src/cluster/change.ts';

export async function applyChecked(kc: KubeConfig, spec: ChangeSpec): Promise<PlannedChange> {
  const planned = await planChange(kc, spec);
  assert.ok(planned.ok, planned.ok ? '' : planned.reason);
  const dry = await dryRunChange(kc, planned.plan);
  assert.ok(dry.ok, dry.ok ? '' : dry.status.message);
  const applied = await applyChange(kc, planned.plan);
  assert.ok(applied.ok);
  return planned.plan;
}

/** The local cluster with a client-node KubeConfig and a kubectl on it. */
export async function clusterWithClients(config: Partial<ClusterConfig>): Promise<{ cluster: Cluster; kc: KubeConfig; kubectl: Kubectl }> {
  const cluster = await startCluster({ config, prometheus: false });
  const kc = new KubeConfigClass();
  kc.loadFromFile(cluster.kubeconfigPath);
  return { cluster, kc, kubectl: await Kubectl.for(cluster.kubeconfigPath) };
}
