// Show Events and the tooltip's node line through the real client against the emulator, each
// figure checked against what kubectl 1.33 reads from the same server: a synthetic container that
// leaks into its limit is OOM-killed again and again (BackOff on the pod, node-problem-detector's
// OOMKilling on the node); memory pressure turns the node's condition on; RBAC denials of nodes
// and of the cluster-wide event list are answers in words, not failures.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KubeConfig } from '@kubernetes/client-node';
import { startCluster, type Cluster, type ClusterConfig } from '../cluster/index.ts';
import { podEvents } from '../../src/cluster/podEvents.ts';
import { readNodeMemory } from '../../src/cluster/nodeMemory.ts';
import { PodDetails } from '../../src/views/podDetails.ts';
import type { PodMemory } from '../../src/triage/model.ts';
import { eventually, Kubectl, noKubectl } from './kubectl.ts';

const config: Partial<ClusterConfig> = {
  backoff: { baseMs: 300, maxMs: 1200 },
  readyDelayMs: 50,
  prometheus: { enabled: false, backfillMinutes: 0 },
  pods: [
    { name: 'leaky', labels: { app: 'leaky' }, container: { name: 'app', image: 'leaky:1', memory: { startMiB: 40, leakMiBPerMinute: 1200 }, limits: { memory: '64Mi' } } },
    { name: 'calm', labels: { app: 'calm' }, container: { name: 'app', image: 'calm:1', memory: { startMiB: 20 }, limits: { memory: '64Mi' } } },
  ],
};

describe('pod events and the node', { skip: noKubectl }, () => {
  let cluster: Cluster;
  let kc: KubeConfig;
  let kubectl: Kubectl;
  before(async () => {
    cluster = await startCluster({ config, prometheus: false });
    kc = new KubeConfig();
    kc.loadFromFile(cluster.kubeconfigPath);
    kubectl = await Kubectl.for(cluster.kubeconfigPath);
  });
  after(async () => {
    await kubectl?.dispose();
    await cluster?.stop();
  });
  const node = 'emulator-node';
  const pod = { namespace: 'default', name: 'leaky', node };

  it("the pod's events and the node's OOMKilling, newest first, as kubectl lists them", async () => {
    const found = await eventually('two OOM kills and a back-off', async () => {
      const f = await podEvents(kc, pod);
      const kills = f.events.filter((e) => e.reason === 'OOMKilling');
      return kills.length >= 2 && f.events.some((e) => e.reason === 'BackOff' && e.count >= 1) ? f : undefined;
    }, 60_000, 300);
    assert.equal(found.nodeNote, undefined);
    const times = found.events.map((e) => e.last!.getTime());
    assert.deepEqual(times, [...times].sort((a, b) => b - a), 'newest first');
    const kill = found.events.find((e) => e.reason === 'OOMKilling')!;
    assert.equal(kill.object, `Node/${node}`);
    assert.equal(kill.source, 'kernel-monitor');
    assert.equal(kill.type, 'Warning');
    assert.match(kill.message, /^Memory cgroup out of memory: Killed process \d+ \(leaky\)/);
    const started = found.events.find((e) => e.reason === 'Started')!;
    assert.ok(started.count >= 2, 'a restarted container: one Started event with a count');
    assert.equal(started.fieldPath, 'spec.containers{app}');

    // kubectl's own field-selected list of the pod's events: the same reasons and counts
    const own = JSON.parse(await kubectl.ok('get', 'events', '-n', 'default', '--field-selector', 'involvedObject.kind=Pod,involvedObject.name=leaky,involvedObject.namespace=default', '-o', 'json')) as { items: { reason: string; count: number }[] };
    const ours = found.events.filter((e) => e.object === 'Pod/leaky');
    for (const reason of ['Scheduled', 'Pulled', 'Created', 'Started', 'BackOff']) {
      const theirs = own.items.find((i) => i.reason === reason);
      assert.ok(theirs, `kubectl lists ${reason}`);
      assert.ok(ours.find((e) => e.reason === reason)!.count <= theirs.count, `${reason}: our count is not ahead of the later kubectl read`);
    }
    // and kubectl describe node lists the OOMKilling (found through the node's name as its uid)
    assert.match(await kubectl.ok('describe', 'node', node), /Warning\s+OOMKilling\s+\S+\s+kernel-monitor\s+Memory cgroup out of memory: Killed process \d+ \(leaky\)/);
    // the calm pod has no kill of its own, but its node's are its node's
    const calm = await podEvents(kc, { namespace: 'default', name: 'calm', node });
    assert.ok(calm.events.every((e) => e.object === 'Pod/calm' || e.object === `Node/${node}`));
    assert.ok(!calm.events.some((e) => e.reason === 'BackOff'));
  });

  it('memory pressure: the condition, the allocatable memory and the event, as kubectl describe node says', async () => {
    const before = await readNodeMemory(kc, node);
    assert.equal(before.memoryPressure?.status, 'False');
    const json = JSON.parse(await kubectl.ok('get', 'node', node, '-o', 'json')) as { status: { allocatable: { memory: string } } };
    assert.match(json.status.allocatable.memory, /^\d+Ki$/);
    assert.equal(before.allocatableBytes, Number(json.status.allocatable.memory.slice(0, -2)) * 1024);
    assert.ok(before.allocatableBytes! < before.capacityBytes!, 'allocatable is capacity less the eviction threshold');

    cluster.admin.setNodeMemoryPressure(true);
    const during = await readNodeMemory(kc, node);
    assert.equal(during.memoryPressure?.status, 'True');
    assert.equal(during.memoryPressure?.reason, 'KubeletHasInsufficientMemory');
    assert.match(await kubectl.ok('describe', 'node', node), /MemoryPressure\s+True\s.*KubeletHasInsufficientMemory/);
    const found = await podEvents(kc, pod);
    assert.ok(found.events.some((e) => e.reason === 'NodeHasInsufficientMemory' && e.object === `Node/${node}`));
    cluster.admin.setNodeMemoryPressure(false);
    assert.equal((await readNodeMemory(kc, node)).memoryPressure?.status, 'False');
  });

  it('RBAC: nodes forbidden is said; a forbidden cluster-wide event list falls back to default; the pod namespace forbidden is a ClusterError', async () => {
    cluster.admin.deny({ verb: 'get', resource: 'nodes' });
    cluster.admin.deny({ verb: 'list', resource: 'events', namespace: '' });
    try {
      assert.deepEqual(await readNodeMemory(kc, node), { name: node, note: 'not allowed to read nodes (RBAC)' });
      const viaDefault = await podEvents(kc, pod);
      assert.equal(viaDefault.nodeNote, undefined, 'the node events come from the default namespace instead');
      assert.ok(viaDefault.events.some((e) => e.reason === 'OOMKilling'));
      // the pod's own namespace denied too: that is the command's error, in words
      cluster.admin.deny({ verb: 'list', resource: 'events', namespace: 'default' });
      await assert.rejects(podEvents(kc, pod), (err: Error & { kind?: string }) => err.kind === 'forbidden' && /may not list events in namespace "default"/.test(err.message));
    } finally {
      cluster.admin.allow();
    }
  });

  it("the tooltip's part: read once per pod while it is kept, with the node line and the last events", async () => {
    const details = new PodDetails(() => kc);
    const memory = { uid: 'u-leaky', ref: { namespace: 'default', name: 'leaky' }, node } as unknown as PodMemory;
    const first = await details.markdown(memory)!;
    const again = await details.markdown(memory)!;
    assert.equal(details.reads, 1);
    assert.equal(again, first);
    assert.match(first, /^Node emulator\\-node: MemoryPressure False · allocatable \d+ GiB of 24 GiB$/m);
    assert.match(first, /\*\*Events\*\* \(newest 5 of \d+; Show Events for all\):/);
    const lines = first.match(/^- .*$/gm) ?? [];
    assert.equal(lines.length, 5);
    const reasons = new Set((await podEvents(kc, pod)).events.map((e) => e.reason));
    for (const line of lines) {
      const [, warn, reason] = /^- (⚠ )?\d+[smhd] ago \*\*(\w+)\*\*/.exec(line) ?? [];
      assert.ok(reason && reasons.has(reason), line);
      assert.equal(Boolean(warn), ['OOMKilling', 'BackOff', 'NodeHasInsufficientMemory'].includes(reason!), line);
    }
    assert.equal(new PodDetails(() => undefined).markdown(memory), undefined, 'no session: nothing read');
  });
});
