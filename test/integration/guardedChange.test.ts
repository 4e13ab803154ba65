// The guarded path's engine (src/cluster/change.ts) against the emulator: the dry run persists
// nothing and a refused one comes back as the server's Status with its causes; the write carries
// our fieldManager and the planned resourceVersion, so a change planned on an older version is a
// 409, and a re-plan on the new version goes through; an RBAC denial of patch is the 403 Status.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KubeConfig } from '@kubernetes/client-node';
import { startCluster, type Cluster, type ClusterConfig } from '../cluster/index.ts';
import { applyChange, dryRunChange, isConflict, planChange, resourceOf, type ChangeSpec } from '../../src/cluster/change.ts';
import { objectPath, type KubeObject } from '../../src/cluster/kubeObject.ts';
import { refusalText, statusText } from '../../src/cluster/serverStatus.ts';
import { requestJson } from '../../src/cluster/apiRequest.ts';
import { detectGitOps, gitOpsWarning } from '../../src/cluster/gitOps.ts';

const config: Partial<ClusterConfig> = {
  readyDelayMs: 100,
  prometheus: { enabled: false, backfillMinutes: 0 },
  deployments: [{ name: 'web', replicas: 1, labels: { app: 'web' }, container: { name: 'web', image: 'synthetic:1', limits: { memory: '128Mi' }, requests: { memory: '64Mi' }, memory: { startMiB: 20, leakMiBPerMinute: 0, jitterMiB: 0 } } }],
};

/** A change of the container's memory limit (strategic merge by container name). */
function limitSpec(limit: string): ChangeSpec {
  return {
    action: 'raise-limit',
    target: { kind: 'Deployment', namespace: 'default', name: 'web', path: objectPath('Deployment', 'default', 'web') },
    plan: (current: KubeObject) => ({
      type: 'patch',
      patchType: 'strategic',
      patch: { spec: { template: { spec: { containers: [{ name: 'web', resources: { limits: { memory: limit } } }] } } } },
      after: current,
      change: `memory limit of container web -> ${limit}`,
    }),
  };
}

describe('guarded change engine', () => {
  let cluster: Cluster;
  let kc: KubeConfig;
  const deployment = () => cluster.store.list('deployments', 'default').find((d) => d.metadata.name === 'web')!;
  before(async () => {
    cluster = await startCluster({ config, prometheus: false });
    kc = new KubeConfig();
    kc.loadFromFile(cluster.kubeconfigPath);
    // Settled: the controllers stop writing status once the pod is available, so a change of
    // resourceVersion after this is ours.
    for (let i = 0; i < 100 && deployment().status?.availableReplicas !== 1; i++) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 300));
  });
  after(async () => {
    await cluster?.stop();
  });

  it('a dry run that the server refuses applies nothing and says why, with its causes', async () => {
    const rv = deployment().metadata.resourceVersion;
    const planned = await planChange(kc, limitSpec('32Mi')); // below the 64Mi request: invalid
    assert.ok(planned.ok);
    assert.equal(planned.plan.resourceVersion, rv);
    const dry = await dryRunChange(kc, planned.plan);
    assert.equal(dry.ok, false);
    assert.ok(!dry.ok);
    assert.equal(dry.status.code, 422);
    assert.equal(dry.status.reason, 'Invalid');
    assert.match(statusText(dry.status), /must be less than or equal to memory limit/);
    assert.equal(deployment().metadata.resourceVersion, rv, 'nothing was persisted');
  });

  it('a dry run that passes persists nothing and returns the object the server would store', async () => {
    const rv = deployment().metadata.resourceVersion;
    const planned = await planChange(kc, limitSpec('256Mi'));
    assert.ok(planned.ok);
    const dry = await dryRunChange(kc, planned.plan);
    assert.ok(dry.ok);
    assert.equal(dry.object?.spec.template.spec.containers[0].resources.limits.memory, '256Mi');
    assert.equal(deployment().metadata.resourceVersion, rv);
    assert.equal(deployment().spec.template.spec.containers[0].resources.limits.memory, '128Mi');
  });

  it('a plan made on an older resourceVersion is a 409; the re-plan applies', async () => {
    const stale = await planChange(kc, limitSpec('256Mi'));
    assert.ok(stale.ok);
    // Someone else changes the object between our read and our write.
    const other = await planChange(kc, limitSpec('200Mi'));
    assert.ok(other.ok);
    assert.ok((await applyChange(kc, other.plan)).ok);
    const answer = await applyChange(kc, stale.plan);
    assert.equal(isConflict(answer), true);
    assert.equal(deployment().spec.template.spec.containers[0].resources.limits.memory, '200Mi', 'the stale plan changed nothing');
    const again = await planChange(kc, limitSpec('256Mi'));
    assert.ok(again.ok);
    assert.notEqual(again.plan.resourceVersion, stale.plan.resourceVersion);
    const applied = await applyChange(kc, again.plan);
    assert.ok(applied.ok);
    assert.equal(deployment().spec.template.spec.containers[0].resources.limits.memory, '256Mi');
  });

  it('an RBAC denial of patch is the 403 Status, and nothing changes', async () => {
    cluster.admin.deny({ verb: 'patch', resource: 'deployments', namespace: 'default' });
    try {
      const generation = deployment().metadata.generation; // the rollout of the last test still writes status
      const planned = await planChange(kc, limitSpec('300Mi'));
      assert.ok(planned.ok, 'reading is still allowed');
      const dry = await dryRunChange(kc, planned.plan);
      assert.ok(!dry.ok);
      assert.equal(dry.status.code, 403);
      assert.match(dry.status.message, /cannot patch resource "deployments"/);
      assert.match(refusalText(dry.status, 'patch', resourceOf(planned.plan.spec.target), 'default'), /^403 Forbidden: .*cannot patch resource "deployments".*\nAsk for RBAC permission to "patch" "deployments" in namespace default\.$/s);
      assert.equal(deployment().metadata.generation, generation);
      assert.equal(deployment().spec.template.spec.containers[0].resources.limits.memory, '256Mi');
    } finally {
      cluster.admin.allow();
    }
  });

  it('a workload an Argo CD application tracks is planned with a warning that says where to change it', async () => {
    await requestJson(kc, 'PATCH', objectPath('Deployment', 'default', 'web'), {}, { value: { metadata: { annotations: { 'argocd.argoproj.io/tracking-id': 'shop:apps/Deployment:default/web' } } }, contentType: 'application/merge-patch+json' });
    const planned = await planChange(kc, limitSpec('300Mi'));
    assert.ok(planned.ok);
    assert.match(gitOpsWarning(detectGitOps(planned.plan.before)) ?? '', /^Managed by Argo CD \(annotation argocd.argoproj.io\/tracking-id\): make the lasting change in the Git repository .* application "shop"/);
  });

  it('a planner that refuses is said as is, before any request to write', async () => {
    const spec: ChangeSpec = { ...limitSpec('1Gi'), plan: () => ({ type: 'refuse', reason: 'not this one' }) };
    assert.deepEqual(await planChange(kc, spec), { ok: false, reason: 'not this one' });
  });
});
