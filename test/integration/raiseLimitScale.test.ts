// Options B and D against the emulator: the raised limit is in the new pods' spec and in their
// cgroup (the kernel's memory limit, read inside the container); a LimitRange caps the proposal
// and a limit over it fails the dry run (the new pods' admission) with the API server's message,
// applying nothing; replicas change through the scale subresource; with an HPA on the workload its
// minReplicas is what is patched, and the replicas follow it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import type { Cluster, ClusterConfig } from '../cluster/index.ts';
import { dryRunChange, planChange, type ChangeSpec } from '../../src/cluster/change.ts';
import { applyChecked, clusterWithClients } from './guardedApply.ts';
import { requestJson } from '../../src/cluster/apiRequest.ts';
import { raiseLimitSpec } from '../../src/cluster/limitChange.ts';
import { readLimitRoom } from '../../src/cluster/limitContext.ts';
import { hpaMinReplicasSpec, hpaOf, scaleSpec } from '../../src/cluster/scaleChange.ts';
import { recommendLimit } from '../../src/triage/limitRecommendation.ts';
import { eventually, noKubectl, type Kubectl } from './kubectl.ts';

const manifests = mkdtempSync(join(tmpdir(), 'kmt-r2-'));
const manifest = (name: string, obj: unknown) => {
  const path = join(manifests, `${name}.json`);
  writeFileSync(path, JSON.stringify(obj));
  return path;
};
const hasRuntime = existsSync(new URL('../cluster/runtime/index.ts', import.meta.url));
const synthetic = (name: string) => ({ name, image: 'synthetic:1', limits: { memory: '128Mi' }, memory: { startMiB: 20, leakMiBPerMinute: 0, jitterMiB: 0 } });
const config: Partial<ClusterConfig> = {
  readyDelayMs: 100,
  namespaces: ['capped'],
  prometheus: { enabled: false, backfillMinutes: 0 },
  deployments: [
    { name: 'api', replicas: 1, labels: { app: 'api' }, container: { name: 'api', image: 'api:1', workload: 'idle', limits: { memory: '128Mi' } } },
    { name: 'web', replicas: 1, labels: { app: 'web' }, container: synthetic('web') },
    { name: 'auto', replicas: 1, labels: { app: 'auto' }, container: synthetic('auto') },
    { name: 'tight', namespace: 'capped', replicas: 1, labels: { app: 'tight' }, container: synthetic('tight') },
  ],
};

describe('raise the limit, scale out', { skip: noKubectl }, () => {
  let cluster: Cluster;
  let kc: KubeConfig;
  let kubectl: Kubectl;
  const live = (app: string, ns = 'default') => cluster.store.list('pods', ns).filter((p) => p.metadata.labels?.app === app && !p.metadata.deletionTimestamp);
  const apply = (spec: ChangeSpec) => applyChecked(kc, spec);
  before(async () => {
    ({ cluster, kc, kubectl } = await clusterWithClients(config));
  });
  after(async () => {
    await kubectl?.dispose();
    rmSync(manifests, { recursive: true, force: true });
    await cluster?.stop();
  });

  it('the new limit reaches the new pod\'s spec and its cgroup', { skip: !hasRuntime && 'no container runtime' }, async () => {
    const old = await eventually('api running', () => live('api').find((p) => p.status?.phase === 'Running'));
    const plan = await apply(raiseLimitSpec('Deployment', 'default', 'api', 'api', '192Mi'));
    assert.deepEqual(plan.request.body.value, { spec: { template: { spec: { containers: [{ name: 'api', resources: { limits: { memory: '192Mi' } } }] } } }, metadata: { resourceVersion: plan.resourceVersion } });
    assert.equal(plan.request.body.contentType, 'application/strategic-merge-patch+json');
    const fresh = await eventually('a new api pod running', () => live('api').find((p) => p.metadata.uid !== old.metadata.uid && p.status?.phase === 'Running' && p.status?.containerStatuses?.[0]?.state?.running));
    assert.equal(fresh.spec.containers[0].resources.limits.memory, '192Mi');
    const limitText = await eventually('the cgroup limit', async () => {
      for (const file of ['/sys/fs/cgroup/memory/memory.max', '/sys/fs/cgroup/memory/memory.limit_in_bytes', '/sys/fs/cgroup/memory.max']) {
        const r = await kubectl.run('exec', fresh.metadata.name, '--', 'cat', file);
        if (r.code === 0) return r.stdout.trim();
      }
      return undefined;
    });
    assert.equal(Number(limitText), 192 * 1024 * 1024);
  });

  it('a LimitRange caps the proposal; a limit over it fails the dry run with the server\'s message and applies nothing', async () => {
    await kubectl.ok('apply', '--validate=false', '-n', 'capped', '-f', manifest('limitrange', { apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'mem-cap' }, spec: { limits: [{ type: 'Container', max: { memory: '256Mi' } }] } }));
    const room = await readLimitRoom(kc, 'capped');
    assert.deepEqual(room.limitRangeMax, { bytes: 256 * 1024 * 1024, name: 'mem-cap' });
    const proposal = recommendLimit({ historyDays: 7, peakBytes: 300 * 1024 * 1024, kills: 1, limitAtLastKillBytes: 128 * 1024 * 1024, currentLimitBytes: 128 * 1024 * 1024, ...room });
    assert.equal(proposal.limit, '256Mi');
    assert.equal(proposal.rule, 'limit-range');
    const before = cluster.store.get('deployments', 'capped', 'tight')!;
    const planned = await planChange(kc, raiseLimitSpec('Deployment', 'capped', 'tight', 'tight', '512Mi'));
    assert.ok(planned.ok);
    const dry = await dryRunChange(kc, planned.plan);
    assert.equal(dry.ok, false);
    assert.equal(!dry.ok && dry.status.code, 403);
    assert.match(!dry.ok ? dry.status.message : '', /pods "tight-" is forbidden: maximum memory usage per Container is 256Mi, but limit is 512Mi/);
    const afterwards = cluster.store.get('deployments', 'capped', 'tight')!;
    assert.equal(afterwards.metadata.resourceVersion, before.metadata.resourceVersion);
    assert.equal(afterwards.spec.template.spec.containers[0].resources.limits.memory, '128Mi');
    // kubectl's own server-side dry run of such a pod gets the same answer.
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'probe' }, spec: { containers: [{ name: 'c', image: 'synthetic:1', resources: { limits: { memory: '512Mi' } } }] } };
    const r = await kubectl.run('apply', '--validate=false', '-n', 'capped', '--dry-run=server', '-f', manifest('pod', pod));
    assert.match(r.stderr, /pods "probe" is forbidden: maximum memory usage per Container is 256Mi, but limit is 512Mi/);
  });

  it('a ResourceQuota refuses a pod that would exceed it, with the server\'s message', async () => {
    await kubectl.ok('apply', '--validate=false', '-n', 'capped', '-f', manifest('quota', { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'mem-quota' }, spec: { hard: { 'limits.memory': '300Mi' } } }));
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'big' }, spec: { containers: [{ name: 'c', image: 'synthetic:1', resources: { limits: { memory: '256Mi' } } }] } };
    const r = await kubectl.run('apply', '--validate=false', '-n', 'capped', '--dry-run=server', '-f', manifest('big', pod));
    assert.match(r.stderr, /pods "big" is forbidden: exceeded quota: mem-quota, requested: limits.memory=256Mi, used: limits.memory=128Mi, limited: limits.memory=300Mi/);
    assert.equal(cluster.store.get('pods', 'capped', 'big'), undefined);
  });

  it('replicas change through the scale subresource', async () => {
    const plan = await apply(scaleSpec('Deployment', 'default', 'web', 3));
    assert.match(plan.request.path, /\/deployments\/web\/scale$/);
    await eventually('3 web pods', () => (live('web').length === 3 ? true : undefined));
    assert.equal(cluster.store.get('deployments', 'default', 'web')!.spec.replicas, 3);
  });

  it('with an HPA on the workload, its minReplicas is patched and the replicas follow it', async () => {
    await requestJson(kc, 'POST', '/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers', {}, { value: { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'auto' }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'auto' }, minReplicas: 1, maxReplicas: 5 } } });
    const hpa = await hpaOf(kc, 'Deployment', 'default', 'auto');
    assert.equal(hpa?.metadata?.name, 'auto');
    assert.equal(await hpaOf(kc, 'Deployment', 'default', 'web'), undefined);
    const rvBefore = cluster.store.get('deployments', 'default', 'auto')!.metadata.resourceVersion;
    const plan = await apply(hpaMinReplicasSpec('default', 'auto', 2));
    assert.match(plan.request.path, /\/horizontalpodautoscalers\/auto$/);
    assert.deepEqual(plan.request.body.value, { spec: { minReplicas: 2 }, metadata: { resourceVersion: plan.resourceVersion } });
    assert.notEqual(rvBefore, undefined);
    await eventually('2 auto pods', () => (live('auto').length === 2 ? true : undefined));
    assert.equal(cluster.store.get('horizontalpodautoscalers', 'default', 'auto')!.spec.minReplicas, 2);
    // Above maxReplicas is refused before anything is sent.
    const refused = await planChange(kc, hpaMinReplicasSpec('default', 'auto', 9));
    assert.equal(refused.ok, false);
    assert.match(refused.ok ? '' : refused.reason, /maxReplicas 5/);
  });
});
