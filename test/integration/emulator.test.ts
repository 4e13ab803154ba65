// The emulator cross-checked with the real kubectl 1.33: the runbook's commands against
// the emulator's kubeconfig, with their real output asserted.
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster, type Cluster, type ClusterConfig } from '../cluster/index.ts';
import { eventually, Kubectl, noKubectl } from './kubectl.ts';

const hasRuntime = existsSync(new URL('../cluster/runtime/index.ts', import.meta.url));

/** Real processes when the runtime is there (exec needs one); scripted memory otherwise. */
const apiContainer = hasRuntime
  ? { name: 'api', image: 'registry.local/api:1.4.2', workload: 'idle', requests: { memory: '32Mi', cpu: '50m' }, limits: { memory: '512Mi' } }
  : { name: 'api', image: 'registry.local/api:1.4.2', memory: { startMiB: 40 }, requests: { memory: '32Mi', cpu: '50m' }, limits: { memory: '512Mi' } };

const config: Partial<ClusterConfig> = {
  backoff: { baseMs: 500, maxMs: 2000 },
  readyDelayMs: 150,
  runtimePollMs: 200,
  watchHistory: 40,
  bookmarkIntervalMs: 200,
  prometheus: { enabled: false, backfillMinutes: 0 },
  deployments: [{ name: 'api', replicas: 2, labels: { app: 'api' }, container: apiContainer }],
  pods: [{
    name: 'api-leaky', labels: { app: 'api', track: 'canary' },
    // A curve that reaches the 64Mi limit within half a second of each start.
    container: { name: 'api', image: 'registry.local/api:1.4.2', memory: { startMiB: 60, leakMiBPerMinute: 600 }, limits: { memory: '64Mi' } },
  }],
  synthetic: [{ namePrefix: 'load', count: 23, namespace: 'bench', labels: { app: 'load' }, container: { name: 'load', image: 'load:1', limits: { memory: '256Mi' } }, memory: { startMiB: 50, leakMiBPerMinute: 1, jitterMiB: 2 } }],
};

let cluster: Cluster;
let k: Kubectl;
const kubectl = (...args: string[]) => k.run(...args);
const ok = (...args: string[]) => k.ok(...args);

const apiPods = () => cluster.store.list('pods', 'default').filter((p) => p.metadata.name.startsWith('api-') && p.metadata.name !== 'api-leaky' && !p.metadata.deletionTimestamp);

describe('emulator with kubectl 1.33', { skip: noKubectl }, () => {
  before(async () => {
    cluster = await startCluster({ config, prometheus: false });
    k = await Kubectl.for(cluster.kubeconfigPath);
    await eventually('deployment api available', async () => (cluster.store.get('deployments', 'default', 'api')?.status?.availableReplicas === 2 ? true : undefined));
  });
  after(async () => {
    await cluster?.stop();
    await k?.dispose();
  });

  it('lists the runbook pods with kubectl get pods -l app=api', async () => {
    const out = await ok('get', 'pods', '-l', 'app=api');
    assert.match(out.split('\n')[0], /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    assert.equal(out.trim().split('\n').length, 4, out);
    assert.match(out, /^api-[a-z0-9]{10}-[a-z0-9]{5}\s+1\/1\s+Running\s+0\s+\d+s$/m);
    assert.doesNotMatch(out, /^load-/m);
  });

  it('shows OOMKilled in the runbook jsonpath query after an OOM kill', async () => {
    const jsonpath = '{range .items[*]}{.metadata.name}{"\\t"}{.status.containerStatuses[0].lastState.terminated.reason}{"\\n"}{end}';
    const out = await eventually('an OOM kill', async () => {
      const o = await ok('get', 'pods', '-l', 'app=api', '-o', `jsonpath=${jsonpath}`);
      return /^api-leaky\tOOMKilled$/m.test(o) ? o : undefined;
    });
    const lines = out.split('\n').filter(Boolean);
    assert.equal(lines.length, 3);
    for (const line of lines.filter((l) => !l.startsWith('api-leaky'))) assert.match(line, /^api-\S+\t$/);
    const pod = await ok('get', 'pod', 'api-leaky', '-o', 'json');
    const cs = JSON.parse(pod).status.containerStatuses[0];
    assert.equal(cs.lastState.terminated.exitCode, 137);
    assert.ok(cs.restartCount >= 1);
    // The kubelet records no event for the kill itself; the crash shows as a BackOff once it repeats.
    const events = await eventually('a BackOff event', async () => {
      const o = await ok('get', 'events', '--field-selector', 'involvedObject.name=api-leaky');
      return /BackOff/.test(o) ? o : undefined;
    });
    assert.match(events, /^\S+\s+Warning\s+BackOff\s+pod\/api-leaky\s+Back-off restarting failed container api in pod api-leaky_default\(/m);
    assert.doesNotMatch(events, /OOMKilling/);
  });

  it('reports working sets with kubectl top pods', async () => {
    const out = await ok('top', 'pods', '-l', 'app=api');
    assert.match(out.split('\n')[0], /^NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)\s*$/);
    assert.match(out, /^api-[a-z0-9]{10}-[a-z0-9]{5}\s+\d+m\s+\d+Mi\s*$/m);
    const ns = await ok('top', 'pods', '-n', 'bench');
    assert.equal(ns.trim().split('\n').length, 24);
  });

  it('runs a command in a pod with kubectl exec (WebSocket v5)', { skip: !hasRuntime && 'process runtime not present' }, async () => {
    const pod = apiPods()[0].metadata.name;
    const out = await ok('exec', pod, '--', 'sh', '-c', 'echo "hello from $POD_NAME"; echo oops >&2');
    assert.equal(out, `hello from ${pod}\n`);
    const failed = await kubectl('exec', pod, '--', 'sh', '-c', 'exit 3');
    assert.equal(failed.code, 3);
    assert.match(failed.stderr, /command terminated with exit code 3/);
  });

  it('restarts the deployment with kubectl rollout restart + rollout status', async () => {
    const before = new Set(apiPods().map((p) => p.metadata.name));
    assert.match(await ok('rollout', 'restart', 'deployment', 'api'), /^deployment\.apps\/api restarted$/m);
    const status = await ok('rollout', 'status', 'deployment', 'api', '--timeout=60s');
    assert.match(status, /deployment "api" successfully rolled out/);
    const after = apiPods().map((p) => p.metadata.name);
    assert.equal(after.length, 2);
    for (const name of after) assert.ok(!before.has(name), `${name} survived the restart`);
    const d = cluster.store.get('deployments', 'default', 'api')!;
    assert.ok(d.spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt']);
    assert.equal(d.status.observedGeneration, d.metadata.generation);
  });

  it('scales with kubectl scale', async () => {
    assert.match(await ok('scale', 'deployment', 'api', '--replicas=3'), /^deployment\.apps\/api scaled$/m);
    await eventually('3 ready api pods', async () => (cluster.store.get('deployments', 'default', 'api')?.status?.readyReplicas === 3 ? true : undefined));
    assert.equal(apiPods().length, 3);
    const scale = JSON.parse(await ok('get', '--raw', '/apis/apps/v1/namespaces/default/deployments/api/scale'));
    assert.deepEqual({ kind: scale.kind, replicas: scale.spec.replicas, selector: scale.status.selector }, { kind: 'Scale', replicas: 3, selector: 'app=api' });
  });

  it('raises the limit with the runbook patch, and a server dry run persists nothing', async () => {
    const runbookPatch = '{"spec":{"template":{"spec":{"containers":[{"name":"api","resources":{"limits":{"memory":"2Gi"}}}]}}}}';
    const dry = await ok('patch', 'deployment', 'api', '--dry-run=server', '-p', runbookPatch.replace('2Gi', '3Gi'));
    assert.match(dry, /deployment\.apps\/api patched/);
    const limitOf = async () => ok('get', 'deployment', 'api', '-o', 'jsonpath={.spec.template.spec.containers[0].resources.limits.memory}');
    assert.equal(await limitOf(), '512Mi');
    assert.match(await ok('patch', 'deployment', 'api', '-p', runbookPatch), /^deployment\.apps\/api patched$/m);
    assert.equal(await limitOf(), '2Gi');
    const container = cluster.store.get('deployments', 'default', 'api')!.spec.template.spec.containers[0];
    assert.deepEqual(container.resources.requests, { memory: '32Mi', cpu: '50m' }, 'strategic merge keeps the other fields');
    await ok('rollout', 'status', 'deployment', 'api', '--timeout=60s');
    for (const p of apiPods()) assert.equal(p.spec.containers[0].resources.limits.memory, '2Gi');
    const bad = await kubectl('patch', 'deployment', 'api', '-p', '{"spec":{"replicas":-1}}');
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /The Deployment "api" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0/);
  });

  it('resumes a watch from a resourceVersion, and answers a too-old one with 410 Expired', async () => {
    const rv = JSON.parse(await ok('get', '--raw', '/api/v1/namespaces/bench/pods?limit=1')).metadata.resourceVersion;
    assert.match(rv, /^\d+$/);
    await ok('label', 'pod', '-n', 'bench', 'load-07', 'checked=yes');
    const resumed = await ok('get', '--raw', `/api/v1/namespaces/bench/pods?watch=1&resourceVersion=${rv}&timeoutSeconds=1`);
    const events = resumed.trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(events.map((e) => [e.type, e.object.metadata.name, e.object.metadata.labels.checked]), [['MODIFIED', 'load-07', 'yes']]);
    // The leaky pod's restarts have pushed resourceVersion 1 out of the 40-event pod history.
    const old = await ok('get', '--raw', '/api/v1/namespaces/default/pods?watch=1&resourceVersion=1&timeoutSeconds=1');
    const error = JSON.parse(old.trim());
    assert.equal(error.type, 'ERROR');
    assert.deepEqual([error.object.kind, error.object.code, error.object.reason], ['Status', 410, 'Expired']);
    assert.match(error.object.message, /^too old resource version: 1 \(\d+\)$/);
  });

  it('pages through a list with --chunk-size', async () => {
    const out = await ok('get', 'pods', '-n', 'bench', '--chunk-size=5', '-o', 'name');
    assert.equal(out.trim().split('\n').length, 23);
  });

  it('answers a configured denial with 403 Forbidden', async () => {
    cluster.admin.deny({ verb: 'list', resource: 'pods', namespace: 'default' });
    try {
      const r = await kubectl('get', 'pods');
      assert.equal(r.code, 1);
      assert.match(r.stderr, /Error from server \(Forbidden\): pods is forbidden: User "oncall@example.com" cannot list resource "pods" in API group "" in the namespace "default"/);
      await ok('get', 'pods', '-n', 'bench', '--chunk-size=0');
    } finally {
      cluster.admin.allow();
    }
    await ok('get', 'pods');
  });

  it('says the metrics API is missing when metrics.k8s.io is switched off', async () => {
    cluster.admin.setMetricsAvailable(false);
    try {
      const r = await kubectl('top', 'pods');
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /Metrics API not available/);
    } finally {
      cluster.admin.setMetricsAvailable(true);
    }
  });
});
