// Option A against the emulator: the owner chain read from the objects (pod -> ReplicaSet ->
// Deployment, pod -> StatefulSet), the restart through the guarded engine replacing every pod
// (new names and uids, kubectl's annotation in the template, the same one `kubectl rollout
// restart` writes), the rollout followed to kubectl's own "successfully rolled out"; a rollout
// that stalls ends at the progress deadline as `kubectl rollout status` does; what cannot be
// restarted (bare pod, bare ReplicaSet, paused Deployment) says why.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KubeConfig } from '@kubernetes/client-node';
import { startCluster, type Cluster, type ClusterConfig } from '../cluster/index.ts';
import { applyChange, dryRunChange, planChange, type ChangeSpec } from '../../src/cluster/change.ts';
import { requestJson } from '../../src/cluster/apiRequest.ts';
import { restartTargetOfPod } from '../../src/cluster/ownerChain.ts';
import { deletePodSpec, RESTARTED_AT, restartSpec } from '../../src/cluster/restart.ts';
import { followRollout } from '../../src/cluster/rolloutFollow.ts';
import { applyChecked } from './guardedApply.ts';
import { Kubectl, noKubectl } from './kubectl.ts';

const synthetic = (name: string) => ({ name, image: 'synthetic:1', limits: { memory: '128Mi' }, memory: { startMiB: 20, leakMiBPerMinute: 0, jitterMiB: 0 } });
const config: Partial<ClusterConfig> = {
  readyDelayMs: 100,
  prometheus: { enabled: false, backfillMinutes: 0 },
  images: { 'private:1': { pull: 'denied' } },
  deployments: [
    { name: 'web', replicas: 2, labels: { app: 'web' }, container: synthetic('web') },
    { name: 'stall', replicas: 1, labels: { app: 'stall' }, container: { name: 'stall', image: 'synthetic:1', limits: { memory: '64Mi' } } },
  ],
  statefulSets: [{ name: 'db', replicas: 2, labels: { app: 'db' }, container: synthetic('db') }],
  daemonSets: [{ name: 'agent', labels: { app: 'agent' }, container: synthetic('agent') }],
  pods: [{ name: 'lonely', labels: { app: 'lonely' }, container: synthetic('lonely') }],
};

describe('restart workload', { skip: noKubectl }, () => {
  let cluster: Cluster;
  let kc: KubeConfig;
  let kubectl: Kubectl;
  const pods = (app: string) => cluster.store.list('pods', 'default').filter((p) => p.metadata.labels?.app === app && !p.metadata.deletionTimestamp);
  const settled = async (app: string, n: number) => {
    for (let i = 0; i < 200; i++) {
      const ps = pods(app);
      if (ps.length === n && ps.every((p) => p.status?.conditions?.some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True'))) return ps;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${app} did not settle`);
  };
  const restart = (spec: ChangeSpec) => applyChecked(kc, spec);
  before(async () => {
    cluster = await startCluster({ config, prometheus: false });
    kc = new KubeConfig();
    kc.loadFromFile(cluster.kubeconfigPath);
    kubectl = await Kubectl.for(cluster.kubeconfigPath);
  });
  after(async () => {
    await cluster?.stop();
  });

  it('restarts a Deployment found from its pod: every pod replaced, followed to kubectl\'s end', async () => {
    const old = await settled('web', 2);
    const target = await restartTargetOfPod(kc, 'default', old[0]!.metadata.name);
    assert.equal(target.type, 'workload');
    assert.ok(target.type === 'workload');
    assert.equal(target.kind, 'Deployment');
    assert.equal(target.name, 'web');
    assert.match(target.chain, /^Pod web-\w+-\w+ -> ReplicaSet web-\w+ -> Deployment web$/);
    const plan = await restart(restartSpec('Deployment', 'default', 'web'));
    assert.equal(plan.request.body.contentType, 'application/strategic-merge-patch+json');
    const seen: string[] = [];
    const result = await followRollout(kc, 'Deployment', 'default', 'web', { onStatus: (s) => seen.push(s.message), timeoutMs: 30_000 });
    assert.equal(result.outcome, 'done', seen.join('\n'));
    assert.equal(result.status?.message, 'deployment "web" successfully rolled out');
    assert.ok(seen.some((m) => m.startsWith('Waiting for deployment')), 'the rollout was seen under way');
    const fresh = await settled('web', 2);
    const oldUids = new Set(old.map((p) => p.metadata.uid));
    assert.ok(fresh.every((p) => !oldUids.has(p.metadata.uid) && !old.some((o) => o.metadata.name === p.metadata.name)), 'new pods, new names');
    const ours = cluster.store.list('deployments', 'default').find((d) => d.metadata.name === 'web')!.spec.template.metadata.annotations[RESTARTED_AT];
    assert.match(ours, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(fresh[0]!.metadata.annotations?.[RESTARTED_AT], ours, 'the pods carry the template annotation');
    // kubectl's own restart writes the same key in the same form; its status agrees with ours.
    const status = await kubectl.run('rollout', 'status', 'deployment/web', '--timeout=30s');
    assert.match(status.stdout, /deployment "web" successfully rolled out/);
    await new Promise((r) => setTimeout(r, 1100)); // kubectl refuses a second restart within the same second, as ours does
    const theirs = await kubectl.run('rollout', 'restart', 'deployment/web');
    assert.equal(theirs.code, 0, theirs.stderr);
    const annotations = cluster.store.list('deployments', 'default').find((d) => d.metadata.name === 'web')!.spec.template.metadata.annotations;
    assert.deepEqual(Object.keys(annotations).filter((k) => k.startsWith('kubectl.')), [RESTARTED_AT]);
    assert.match(annotations[RESTARTED_AT], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$/);
    assert.ok(Date.parse(annotations[RESTARTED_AT]) > Date.parse(ours));
    const same = await planChange(kc, restartSpec('Deployment', 'default', 'web', () => new Date(annotations[RESTARTED_AT])));
    assert.equal(same.ok, false, 'a restart in the same second would change nothing');
  });

  it('restarts a StatefulSet found from its pod and follows it as kubectl does', async () => {
    const old = await settled('db', 2);
    const target = await restartTargetOfPod(kc, 'default', 'db-0');
    assert.ok(target.type === 'workload');
    assert.equal(target.kind, 'StatefulSet');
    assert.equal(target.chain, 'Pod db-0 -> StatefulSet db');
    await restart(restartSpec('StatefulSet', 'default', 'db'));
    const result = await followRollout(kc, 'StatefulSet', 'default', 'db', { timeoutMs: 40_000 });
    assert.equal(result.outcome, 'done', result.status?.message);
    const fresh = await settled('db', 2);
    assert.ok(fresh.every((p) => !old.some((o) => o.metadata.uid === p.metadata.uid)), 'both pods replaced (same names, new uids)');
    const status = await kubectl.run('rollout', 'status', 'statefulset/db', '--timeout=30s');
    assert.equal(status.stdout.trim().split('\n').at(-1), result.status?.message.trim());
  });

  it('restarts a DaemonSet found from its pod; kubectl reads the emulator\'s DaemonSet as a real one', async () => {
    const [old] = await settled('agent', 1);
    const target = await restartTargetOfPod(kc, 'default', old!.metadata.name);
    assert.ok(target.type === 'workload');
    assert.equal(target.chain, `Pod ${old!.metadata.name} -> DaemonSet agent`);
    await restart(restartSpec('DaemonSet', 'default', 'agent'));
    const result = await followRollout(kc, 'DaemonSet', 'default', 'agent', { timeoutMs: 30_000 });
    assert.equal(result.outcome, 'done', result.status?.message);
    assert.equal(result.status?.message, 'daemon set "agent" successfully rolled out');
    const [fresh] = await settled('agent', 1);
    assert.notEqual(fresh!.metadata.uid, old!.metadata.uid);
    assert.match(fresh!.metadata.name, /^agent-[a-z0-9]{5}$/);
    const status = await kubectl.run('rollout', 'status', 'daemonset/agent', '--timeout=30s');
    assert.equal(status.stdout.trim().split('\n').at(-1), result.status?.message);
    const get = await kubectl.run('get', 'ds', 'agent');
    assert.match(get.stdout, /^NAME\s+DESIRED\s+CURRENT\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+NODE SELECTOR\s+AGE\nagent\s+1\s+1\s+1\s+1\s+1\s+<none>\s+\d+s\n$/);
    await new Promise((r) => setTimeout(r, 1100));
    const theirs = await kubectl.run('rollout', 'restart', 'daemonset/agent');
    assert.equal(theirs.stdout.trim(), 'daemonset.apps/agent restarted', theirs.stderr);
    assert.match((await kubectl.run('rollout', 'status', 'daemonset/agent', '--timeout=30s')).stdout, /daemon set "agent" successfully rolled out/);
  });

  it('a rollout that stalls ends at its progress deadline, as kubectl rollout status ends', async () => {
    await settled('stall', 1);
    const path = '/apis/apps/v1/namespaces/default/deployments/stall';
    // An image the registry refuses: the new pod never becomes ready.
    await requestJson(kc, 'PATCH', path, {}, { value: { spec: { progressDeadlineSeconds: 2, template: { spec: { containers: [{ name: 'stall', image: 'private:1' }] } } } }, contentType: 'application/strategic-merge-patch+json' });
    const result = await followRollout(kc, 'Deployment', 'default', 'stall', { timeoutMs: 30_000 });
    assert.equal(result.outcome, 'failed');
    assert.equal(result.status?.message, 'deployment "stall" exceeded its progress deadline');
    const status = await kubectl.run('rollout', 'status', 'deployment/stall', '--timeout=20s');
    assert.equal(status.code, 1);
    assert.match(status.stderr, /error: deployment "stall" exceeded its progress deadline/);
    assert.equal(pods('stall').filter((p) => p.status?.conditions?.some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True')).length, 1, 'the old pod keeps serving');
  });

  it('the connection lost mid-rollout ends the follow as lost, with the last status seen', async () => {
    await settled('web', 2);
    await new Promise((r) => setTimeout(r, 1100)); // not the same second as the last restart
    await restart(restartSpec('Deployment', 'default', 'web'));
    const seen: string[] = [];
    const following = followRollout(kc, 'Deployment', 'default', 'web', { reconnectMs: 1500, timeoutMs: 30_000, onStatus: (s) => seen.push(s.message) });
    await new Promise((r) => setTimeout(r, 50));
    await cluster.admin.setReachable(false);
    try {
      const result = await following;
      assert.equal(result.outcome, 'lost', result.status?.message);
      assert.equal(result.status?.message, seen.at(-1));
    } finally {
      await cluster.admin.setReachable(true);
    }
    await settled('web', 2);
  });

  it('what cannot be restarted says why: a bare pod (no delete offered), a bare ReplicaSet (delete offered), a paused Deployment', async () => {
    const bare = await restartTargetOfPod(kc, 'default', 'lonely');
    assert.ok(bare.type === 'not-restartable');
    assert.equal(bare.deletable, false);
    assert.match(bare.reason, /bare pod/);
    await requestJson(kc, 'POST', '/apis/apps/v1/namespaces/default/replicasets', {}, { value: {
      apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'solo' },
      spec: { replicas: 1, selector: { matchLabels: { app: 'solo' } }, template: { metadata: { labels: { app: 'solo' } }, spec: { containers: [{ name: 'solo', image: 'synthetic:1' }] } } },
    } });
    const [solo] = await settled('solo', 1);
    const rs = await restartTargetOfPod(kc, 'default', solo!.metadata.name);
    assert.ok(rs.type === 'not-restartable');
    assert.equal(rs.deletable, true);
    assert.match(rs.reason, /ReplicaSet solo is not owned by a Deployment/);
    // The delete offered instead goes through the same engine; the ReplicaSet replaces the pod.
    const del = await planChange(kc, deletePodSpec('default', solo!.metadata.name, 'ReplicaSet solo'));
    assert.ok(del.ok);
    assert.ok((await dryRunChange(kc, del.plan)).ok);
    assert.ok(pods('solo').some((p) => p.metadata.uid === solo!.metadata.uid), 'the dry run deleted nothing');
    assert.ok((await applyChange(kc, del.plan)).ok);
    const [replacement] = await settled('solo', 1);
    assert.notEqual(replacement!.metadata.uid, solo!.metadata.uid);
    await requestJson(kc, 'PATCH', '/apis/apps/v1/namespaces/default/deployments/web', {}, { value: { spec: { paused: true } }, contentType: 'application/merge-patch+json' });
    const paused = await planChange(kc, restartSpec('Deployment', 'default', 'web'));
    assert.equal(paused.ok, false);
    assert.match(paused.ok ? '' : paused.reason, /can't restart paused deployment \(run rollout resume first\)/);
  });
});
