// The world of the step-3 E2E tests: a cluster of real sample workloads, and code-server opened on
// their sources (test/cluster/workloads) with the tree scoped to one label selector.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startCluster, type Cluster } from '../cluster/index.ts';
import type { ClusterConfig } from '../cluster/config.ts';
import { openWorkbench, ROOT, type Workbench } from './harness.ts';

export const WORKLOADS = join(ROOT, 'test', 'cluster', 'workloads');

/** The 1-based line of `file` that `matches` (found in the source, not written into the test). */
export function lineWhere(file: string, matches: (line: string) => boolean, what: string): number {
  const at = readFileSync(file, 'utf8').split('\n').findIndex(matches);
  assert.ok(at >= 0, what);
  return at + 1;
}

/** The cluster, and the workbench on the workloads' sources with a 10 s capture window. */
export async function openOnWorkloads(config: Partial<ClusterConfig>, labelSelector: string): Promise<{ cluster: Cluster; wb: Workbench }> {
  const cluster = await startCluster({ config, prometheus: false });
  try {
    const wb = await openWorkbench({
      folder: WORKLOADS,
      settings: {
        'memoryTriage.kubeconfig': cluster.kubeconfigPath,
        'memoryTriage.namespace': 'default',
        'memoryTriage.labelSelector': labelSelector,
        'memoryTriage.metricsInterval': 3,
        'memoryTriage.capture.windowSeconds': 10,
      },
      viewport: { width: 1600, height: 900 },
    });
    return { cluster, wb };
  } catch (err) {
    await cluster.stop();
    throw err;
  }
}
