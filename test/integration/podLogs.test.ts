// Show Previous Logs' reader against the emulator with a real container: before any restart there
// is no previous instance (kube-apiserver's 400), so the running one's log comes back, marked so;
// after a kill, the instance that ended; a pod that does not exist is a ClusterError, not a log.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KubeConfig } from '@kubernetes/client-node';
import { startCluster, type Cluster, type ClusterConfig } from '../cluster/index.ts';
import { previousLog } from '../../src/cluster/podLogs.ts';
import { ClusterError } from '../../src/cluster/clusterError.ts';

const config: Partial<ClusterConfig> = {
  backoff: { baseMs: 500, maxMs: 2000 },
  readyDelayMs: 100,
  prometheus: { enabled: false, backfillMinutes: 0 },
  pods: [{ name: 'idle', labels: { app: 'idle' }, container: { name: 'idle', image: 'idle:1', workload: 'idle', limits: { memory: '128Mi' } } }],
};
const line = /^idle listening on :\d+ \(pid \d+\)$/m;

async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('previousLog', () => {
  let cluster: Cluster;
  let kc: KubeConfig;
  before(async () => {
    cluster = await startCluster({ config, prometheus: false });
    kc = new KubeConfig();
    kc.loadFromFile(cluster.kubeconfigPath);
  });
  after(async () => {
    await cluster?.stop();
  });
  const restarts = () => cluster.store.list('pods', 'default').find((p) => p.metadata.name === 'idle')?.status?.containerStatuses?.[0]?.restartCount;

  it('never restarted: the running instance, said so', async () => {
    const log = await eventually('the workload printing', async () => {
      const l = await previousLog(kc, 'default', 'idle', 'idle');
      return line.test(l.text) ? l : undefined;
    });
    assert.equal(log.previous, false);
    assert.equal(log.cut, false);
  });

  it('after a kill: the instance that ended', async () => {
    if (!cluster.runtime) return;
    assert.equal(cluster.runtime.signal('default/idle', 'idle', 'SIGKILL'), true);
    await eventually('the restart', async () => (restarts() === 1 ? true : undefined));
    const log = await previousLog(kc, 'default', 'idle', 'idle');
    assert.equal(log.previous, true);
    assert.match(log.text, line, 'what the killed instance printed');
  });

  it('a pod that does not exist: a ClusterError naming it, not an empty log', async () => {
    await assert.rejects(previousLog(kc, 'default', 'nope', 'idle'), (err: unknown) => err instanceof ClusterError && /not found|nope/i.test(err.message));
  });
});
