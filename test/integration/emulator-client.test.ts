// The emulator against @kubernetes/client-node, the client the extension uses: typed
// calls, an informer, metrics, exec and port-forward (the client-node WebSocket protocols).
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { PassThrough, Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import WebSocket from 'ws';
import { startCluster, type Cluster, type ClusterConfig } from '../cluster/index.ts';

const hasRuntime = existsSync(new URL('../cluster/runtime/index.ts', import.meta.url));

const config: Partial<ClusterConfig> = {
  backoff: { baseMs: 300, maxMs: 1000 },
  readyDelayMs: 100,
  runtimePollMs: 200,
  prometheus: { enabled: false, backfillMinutes: 0 },
  deployments: [{ name: 'api', replicas: 1, labels: { app: 'api' }, container: { name: 'api', image: 'api:1', workload: 'idle', ports: [8080], limits: { memory: '256Mi' } } }],
};

let cluster: Cluster;
let kc: k8s.KubeConfig;

function collect(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  return { stream: new Writable({ write(c, _e, done) { chunks.push(Buffer.from(c)); done(); } }), text: () => Buffer.concat(chunks).toString() };
}

async function podName(): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const pods = await kc.makeApiClient(k8s.CoreV1Api).listNamespacedPod({ namespace: 'default', labelSelector: 'app=api' });
    const ready = pods.items.find((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
    if (ready) return ready.metadata!.name!;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('no ready api pod');
}

/** PIDs of processes whose working directory belongs to one of this cluster's pods. */
/** Processes of the pods: in their containers' memory cgroups (or, in the fallback runtime, their working directories). */
function podProcesses(podNames: string[]): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cgroup = readFileSync(`/proc/${entry}/cgroup`, 'utf8');
      const cwd = readlinkSync(`/proc/${entry}/cwd`);
      const inPod = (n: string) => cgroup.includes(`_${n}/`) || (cwd.includes('kmt-runtime-') && cwd.includes(`_${n}/`));
      if (podNames.some(inPod)) pids.push(Number(entry));
    } catch { /* gone or not ours */ }
  }
  return pids;
}

describe('emulator with @kubernetes/client-node', { skip: !hasRuntime && 'process runtime not present' }, () => {
  before(async () => {
    cluster = await startCluster({ config, prometheus: false });
    kc = new k8s.KubeConfig();
    kc.loadFromFile(cluster.kubeconfigPath);
  });
  after(async () => {
    await cluster?.stop();
  });

  it('uses the "emulator" context with namespace default', () => {
    assert.equal(kc.getCurrentContext(), 'emulator');
    assert.equal(kc.getContextObject('emulator')?.namespace, 'default');
  });

  it('runs exec with stdout, stderr, stdin and the exit status', async () => {
    const pod = await podName();
    const out = collect();
    const err = collect();
    const stdin = new PassThrough();
    const status = await new Promise<k8s.V1Status>((resolve, reject) => {
      new k8s.Exec(kc).exec('default', pod, 'api', ['sh', '-c', 'read line; echo "got $line in $POD_NAMESPACE"; echo warn >&2; exit 4'], out.stream, err.stream, stdin, false, resolve).catch(reject);
      stdin.end('hello\n');
    });
    assert.equal(out.text(), 'got hello in default\n');
    assert.equal(err.text(), 'warn\n');
    assert.equal(status.status, 'Failure');
    assert.equal(status.reason, 'NonZeroExitCode');
    assert.deepEqual(status.details?.causes, [{ reason: 'ExitCode', message: '4' }]);
  });

  it('runs exec over v4.channel.k8s.io too (stdout, stderr, the status channel)', async () => {
    const pod = await podName();
    const argv = ['sh', '-c', 'echo out; echo err >&2; exit 3'].map((a) => `command=${encodeURIComponent(a)}`).join('&');
    const url = `${cluster.apiUrl.replace(/^https/, 'wss')}/api/v1/namespaces/default/pods/${pod}/exec?container=api&stdout=true&stderr=true&${argv}`;
    const ws = new WebSocket(url, ['v4.channel.k8s.io'], { ca: cluster.caPem, headers: { Authorization: `Bearer ${cluster.token}` } });
    const channels: Record<number, string> = {};
    await new Promise<void>((resolve, reject) => {
      ws.on('message', (d: Buffer) => { channels[d[0]] = (channels[d[0]] ?? '') + d.subarray(1).toString(); });
      ws.on('close', () => resolve());
      ws.on('error', reject);
    });
    assert.equal(ws.protocol, 'v4.channel.k8s.io');
    assert.deepEqual([channels[1], channels[2]], ['out\n', 'err\n']);
    const status = JSON.parse(channels[3]);
    assert.deepEqual([status.status, status.reason, status.details.causes], ['Failure', 'NonZeroExitCode', [{ reason: 'ExitCode', message: '3' }]]);
  });

  it('port-forwards to the port the pod process listens on', async () => {
    const pod = await podName();
    const out = collect();
    const input = new PassThrough();
    const ws = (await new k8s.PortForward(kc).portForward('default', pod, [8080], out.stream, null, input)) as any;
    input.write('GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    const deadline = Date.now() + 5000;
    while (!out.text().includes('{"status": "ok"}') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    ws.close();
    assert.match(out.text(), /^HTTP\/1\.[01] 200/);
  });

  it('serves pod metrics from the measured working set', async () => {
    const pod = await podName();
    let m: k8s.PodMetric | undefined;
    for (let i = 0; i < 50 && !m; i++) {
      m = (await new k8s.Metrics(kc).getPodMetrics('default')).items.find((x) => x.metadata.name === pod);
      if (!m) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(m, 'no metrics for the pod');
    const ki = Number(/^(\d+)Ki$/.exec(m.containers[0].usage.memory)![1]);
    assert.ok(ki > 1024 && ki < 256 * 1024, `implausible working set ${ki}Ki`);
  });

  it('feeds an informer (list + watch) through a rollout restart', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const apps = kc.makeApiClient(k8s.AppsV1Api);
    const informer = k8s.makeInformer(kc, '/api/v1/namespaces/default/pods', () => core.listNamespacedPod({ namespace: 'default' }), 'app=api');
    const added: string[] = [];
    const deleted: string[] = [];
    informer.on('add', (p) => added.push(p.metadata!.name!));
    informer.on('delete', (p) => deleted.push(p.metadata!.name!));
    await informer.start();
    try {
      const first = await podName();
      await apps.patchNamespacedDeployment({ name: 'api', namespace: 'default', body: { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': new Date().toISOString() } } } } } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch));
      const deadline = Date.now() + 20_000;
      while (!deleted.includes(first) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      assert.ok(deleted.includes(first), 'the old pod was not deleted');
      assert.ok(added.length >= 2, `added: ${added}`);
    } finally {
      await informer.stop();
    }
  });

  it('leaves no pod process behind after stop()', async () => {
    const names = cluster.store.list('pods').map((p) => `${p.metadata.name}`);
    assert.ok(podProcesses(names).length > 0, 'expected running pod processes before stop');
    await cluster.stop();
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(podProcesses(names), []);
  });
});
