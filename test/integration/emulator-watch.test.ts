// Watches whose selector an object moves into or out of, checked with kubectl 1.33: like the API
// server's watch cache (cacheWatcher.convertToWatchEvent), each change is judged by the object
// before and after it, so leaving the selector is DELETED (with the previous object) and entering
// it is ADDED, for events replayed from a resourceVersion as for live ones.
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster, type Cluster, type ClusterConfig } from '../cluster/index.ts';
import { Kubectl, KUBECTL, noKubectl } from './kubectl.ts';

const config: Partial<ClusterConfig> = {
  readyDelayMs: 100,
  prometheus: { enabled: false, backfillMinutes: 0 },
  synthetic: [{ namePrefix: 'report-worker', count: 6, namespace: 'batch', labels: { app: 'report' }, container: { name: 'worker', image: 'report:2', limits: { memory: '256Mi' } }, memory: { startMiB: 50 } }],
  // Runs about 6 s, then is OOM-killed for good: its phase leaves Running for Failed.
  pods: [{ name: 'one-shot', namespace: 'batch', restartPolicy: 'Never', container: { name: 'job', image: 'job:1', limits: { memory: '64Mi' }, memory: { startMiB: 60, leakMiBPerMinute: 40 } } }],
};

let cluster: Cluster;
let k: Kubectl;
const kubectl = (...args: string[]) => k.ok(...args);

interface WatchEvent { type: string; object: any }
const watchFrom = async (path: string): Promise<WatchEvent[]> =>
  (await kubectl('get', '--raw', path)).split('\n').filter(Boolean).map((l) => JSON.parse(l));
const listRV = async (path: string): Promise<{ rv: string; names: string[] }> => {
  const list = JSON.parse(await kubectl('get', '--raw', path));
  return { rv: list.metadata.resourceVersion, names: list.items.map((p: any) => p.metadata.name) };
};
/** `kubectl label`, then the pod's new resourceVersion (label -o prints the object it read, not the patched one). */
async function label(pod: string, ...labels: string[]): Promise<string> {
  await kubectl('label', '--overwrite', 'pod', '-n', 'batch', pod, ...labels);
  return kubectl('get', 'pod', '-n', 'batch', pod, '-o', 'jsonpath={.metadata.resourceVersion}');
}

/** A running `kubectl get -w`: its output so far, and a way to wait for a line. */
function watchWithKubectl(...args: string[]) {
  const child = spawn(KUBECTL, [...k.baseArgs, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
  return {
    get output() { return out; },
    async waitFor(re: RegExp, timeoutMs = 15_000): Promise<void> {
      const end = Date.now() + timeoutMs;
      while (!re.test(out)) {
        if (Date.now() > end) throw new Error(`kubectl ${args.join(' ')} never printed ${re}; it printed:\n${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    stop: () => { if (child.exitCode === null) child.kill('SIGTERM'); },
  };
}

describe('emulator watches across a selector boundary, with kubectl 1.33', { skip: noKubectl }, () => {
  before(async () => {
    cluster = await startCluster({ config, prometheus: false });
    k = await Kubectl.for(cluster.kubeconfigPath);
  });
  after(async () => {
    await cluster?.stop();
    await k?.dispose();
  });

  it('a watch resumed from a resourceVersion sends DELETED for a pod whose phase left the field selector', async () => {
    const path = '/api/v1/namespaces/batch/pods?fieldSelector=status.phase%3DRunning';
    const { rv, names } = await listRV(path);
    assert.ok(names.includes('one-shot'), `one-shot runs at ${rv}: ${names.join(' ')}`);
    const failed = await (async () => {
      for (const end = Date.now() + 30_000; Date.now() < end; await new Promise((r) => setTimeout(r, 200))) {
        const pod = JSON.parse(await kubectl('get', 'pod', '-n', 'batch', 'one-shot', '-o', 'json'));
        if (pod.status.phase === 'Failed') return pod;
      }
      throw new Error('one-shot never failed');
    })();
    const events = (await watchFrom(`${path}&watch=1&resourceVersion=${rv}&timeoutSeconds=1`)).filter((e) => e.object.metadata.name === 'one-shot');
    const last = events.at(-1)!;
    assert.equal(last?.type, 'DELETED', JSON.stringify(events.map((e) => [e.type, e.object.status.phase])));
    assert.equal(last.object.status.phase, 'Running', 'the object as it last matched');
    assert.equal(last.object.metadata.resourceVersion, failed.metadata.resourceVersion, 'at the resourceVersion of the change');
    assert.ok(events.slice(0, -1).every((e) => e.type === 'MODIFIED'), 'changes while still Running are MODIFIED');
  });

  it('a watch resumed from a resourceVersion judges each label change by the object before and after it', async () => {
    await label('report-worker-1', 'tier=y');
    await label('report-worker-3', 'tier=y');
    const path = '/api/v1/namespaces/batch/pods?labelSelector=tier%3Dy';
    const { rv, names } = await listRV(path);
    assert.deepEqual(names, ['report-worker-1', 'report-worker-3']);
    const left = await label('report-worker-1', 'tier-');
    const entered = await label('report-worker-2', 'tier=y');
    const changed = await label('report-worker-3', 'colour=blue');
    const events = await watchFrom(`${path}&watch=1&resourceVersion=${rv}&timeoutSeconds=1`);
    assert.deepEqual(events.map((e) => [e.type, e.object.metadata.name, e.object.metadata.resourceVersion, e.object.metadata.labels.tier]), [
      ['DELETED', 'report-worker-1', left, 'y'],
      ['ADDED', 'report-worker-2', entered, 'y'],
      ['MODIFIED', 'report-worker-3', changed, 'y'],
    ]);
  });

  it('kubectl get -w --output-watch-events shows a pod leaving the selector as DELETED and one entering as ADDED', async () => {
    await label('report-worker-4', 'shard=a');
    const w = watchWithKubectl('get', 'pods', '-n', 'batch', '-l', 'shard=a', '--watch', '--output-watch-events');
    try {
      await w.waitFor(/^ADDED\s+report-worker-4\s/m);
      await label('report-worker-4', 'shard=b');
      await w.waitFor(/^DELETED\s+report-worker-4\s/m);
      await label('report-worker-5', 'shard=a');
      await w.waitFor(/^ADDED\s+report-worker-5\s/m);
      await label('report-worker-5', 'colour=red');
      await w.waitFor(/^MODIFIED\s+report-worker-5\s/m);
      const rows = w.output.split('\n').filter((l) => /^(ADDED|MODIFIED|DELETED)\s/.test(l)).map((l) => l.split(/\s+/).slice(0, 2).join(' '));
      assert.deepEqual(rows, ['ADDED report-worker-4', 'DELETED report-worker-4', 'ADDED report-worker-5', 'MODIFIED report-worker-5']);
    } finally {
      w.stop();
    }
  });
});
