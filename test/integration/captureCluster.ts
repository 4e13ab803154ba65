// What the live-capture integration tests share: an emulator whose pods are all ready, a capture
// that must fail with a CaptureError, and whether a pod's Node inspector listens.
import assert from 'node:assert/strict';
import { KubeConfig } from '@kubernetes/client-node';
import { startCluster, type Cluster, type ClusterConfig } from '../cluster/index.ts';
import { execInPod } from '../../src/cluster/podExec.ts';
import { CaptureError } from '../../src/heap/captureError.ts';
import { inspectorListening } from '../../src/heap/node/inspectorPort.ts';
import { INSPECTOR_PORT } from '../../src/heap/node/inspectorSession.ts';

export async function startReadyCluster(config: Partial<ClusterConfig>, timeoutMs = 60_000): Promise<{ cluster: Cluster; kc: KubeConfig }> {
  const cluster = await startCluster({ config, prometheus: false });
  const kc = new KubeConfig();
  kc.loadFromFile(cluster.kubeconfigPath);
  const deadline = Date.now() + timeoutMs;
  const ready = () => cluster.store.list('pods', 'default').every((p) => (p.status as { containerStatuses?: { ready?: boolean }[] })?.containerStatuses?.[0]?.ready);
  while (!ready()) {
    assert.ok(Date.now() < deadline, 'the pods did not get ready');
    await new Promise((r) => setTimeout(r, 200));
  }
  return { cluster, kc };
}

export async function rejection(p: Promise<unknown>): Promise<CaptureError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof CaptureError, `a CaptureError, not ${String(err)}`);
    return err;
  }
  assert.fail('the capture succeeded');
}

export const inspectorListens = (kc: KubeConfig, pod: string, container = 'api') =>
  inspectorListening((argv) => execInPod(kc, { namespace: 'default', pod, container }, argv), INSPECTOR_PORT);
