// The pure parts of the guarded path: the owner chain's judgement per object, GitOps detection,
// kubectl's restart patch, the Status in words, and the diff text.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { judge } from '../../src/cluster/ownerChain.ts';
import { detectGitOps, gitOpsWarning } from '../../src/cluster/gitOps.ts';
import { RESTARTED_AT, restartSpec, rfc3339 } from '../../src/cluster/restart.ts';
import { statusText, serverStatus } from '../../src/cluster/serverStatus.ts';
import { HttpStatusError } from '../../src/cluster/apiRequest.ts';
import { changedLines, objectYaml } from '../../src/cluster/changeText.ts';
import { objectPath } from '../../src/cluster/kubeObject.ts';
import { resourceOf } from '../../src/cluster/change.ts';

const owned = (kind: string, name: string, controller = true) => ({ ownerReferences: [{ apiVersion: 'apps/v1', kind, name, uid: 'u1', controller }] });

test('owner chain: a pod goes on to its ReplicaSet or StatefulSet; workloads end it', () => {
  assert.equal(judge('Pod', { metadata: { name: 'api-1', ...owned('ReplicaSet', 'api-5d8') } }, 'Pod api-1', undefined), undefined);
  assert.equal(judge('Pod', { metadata: { name: 'db-0', ...owned('StatefulSet', 'db') } }, 'Pod db-0', undefined), undefined);
  assert.equal(judge('ReplicaSet', { metadata: { name: 'api-5d8', ...owned('Deployment', 'api') } }, '', undefined), undefined);
  const d = judge('Deployment', { metadata: { name: 'api', namespace: 'prod' } }, 'Pod api-1 -> ReplicaSet api-5d8 -> Deployment api', undefined);
  assert.deepEqual(d && { ...d, object: undefined }, { type: 'workload', kind: 'Deployment', namespace: 'prod', name: 'api', object: undefined, chain: 'Pod api-1 -> ReplicaSet api-5d8 -> Deployment api' });
});

test('owner chain: an owner that is not the controller does not count; bare, static, Job and bare ReplicaSet pods', () => {
  const bare = judge('Pod', { metadata: { name: 'p', ...owned('ReplicaSet', 'rs', false) } }, '', {});
  assert.equal(bare?.type, 'not-restartable');
  assert.equal(bare?.type === 'not-restartable' && bare.deletable, false);
  const pod = { metadata: { name: 'p', ...owned('Node', 'node-1') } };
  assert.match(judge('Pod', pod, '', pod)?.type === 'not-restartable' ? (judge('Pod', pod, '', pod) as { reason: string }).reason : '', /static pod of node node-1/);
  const jobPod = { metadata: { name: 'j-x', ...owned('Job', 'j') } };
  const job = judge('Pod', jobPod, '', jobPod);
  assert.ok(job?.type === 'not-restartable' && job.deletable && /Job j/.test(job.reason));
  const rsPod = { metadata: { name: 'solo-x', ...owned('ReplicaSet', 'solo') } };
  const rs = judge('ReplicaSet', { metadata: { name: 'solo' } }, '', rsPod);
  assert.ok(rs?.type === 'not-restartable' && rs.deletable && /not owned by a Deployment/.test(rs.reason));
});

test('restart: kubectl\'s strategic merge patch of the template annotation, RFC 3339 seconds', () => {
  const now = new Date('2026-12-02T21:49:54.123Z');
  assert.equal(rfc3339(now), '2026-12-02T21:49:54Z');
  const spec = restartSpec('Deployment', 'default', 'api', () => now);
  assert.equal(spec.target.path, '/apis/apps/v1/namespaces/default/deployments/api');
  const current = { metadata: { name: 'api', resourceVersion: '7' }, spec: { replicas: 2, template: { metadata: { labels: { app: 'api' } }, spec: { containers: [] } } } };
  const p = spec.plan(current);
  assert.ok(p.type === 'patch');
  assert.equal(p.patchType, 'strategic');
  assert.deepEqual(p.patch, { spec: { template: { metadata: { annotations: { [RESTARTED_AT]: '2026-12-02T21:49:54Z' } } } } });
  assert.deepEqual(p.after.spec.template.metadata, { labels: { app: 'api' }, annotations: { [RESTARTED_AT]: '2026-12-02T21:49:54Z' } });
  assert.deepEqual(current.spec.template.metadata, { labels: { app: 'api' } }, 'the object read is not changed');
  assert.equal(spec.plan({ ...current, spec: { ...current.spec, paused: true } }).type, 'refuse');
  assert.equal(restartSpec('StatefulSet', 'default', 'db', () => now).plan({ spec: { paused: true, template: {} } }).type, 'patch', 'only Deployments pause');
});

test('object paths refuse names that are not object names', () => {
  assert.throws(() => objectPath('Pod', 'default', '../secrets'), /Not a valid object name/);
  assert.throws(() => objectPath('Pod', 'Default', 'x'), /Not a valid object name/);
  assert.equal(objectPath('Deployment', 'ns', 'web', 'scale'), '/apis/apps/v1/namespaces/ns/deployments/web/scale');
  // what a 403 says to ask for, even when names repeat the namespace or a subresource
  assert.equal(resourceOf({ kind: 'Deployment', namespace: 'api', name: 'api', path: objectPath('Deployment', 'api', 'api') }), 'deployments');
  assert.equal(resourceOf({ kind: 'Deployment', namespace: 'scale', name: 'scale', path: objectPath('Deployment', 'scale', 'scale', 'scale') }), 'deployments/scale');
});

test('GitOps: Argo CD, Flux, Helm and managedFields managers, each saying where the change belongs', () => {
  assert.deepEqual(detectGitOps({ metadata: { labels: { app: 'api', 'app.kubernetes.io/instance': 'api' } } }), [], 'a plain instance label is not Argo');
  const argo = detectGitOps({ metadata: { annotations: { 'argocd.argoproj.io/tracking-id': 'payments:apps/Deployment:prod/api' } } });
  assert.equal(argo[0]?.tool, 'Argo CD');
  assert.match(argo[0]!.where, /application "payments"/);
  const argoManager = detectGitOps({ metadata: { labels: { 'app.kubernetes.io/instance': 'shop' }, managedFields: [{ manager: 'argocd-controller' }] } });
  assert.match(argoManager[0]!.where, /"shop"/);
  const flux = detectGitOps({ metadata: { labels: { 'kustomize.toolkit.fluxcd.io/name': 'apps', 'kustomize.toolkit.fluxcd.io/namespace': 'flux-system' } } });
  assert.match(flux[0]!.where, /Kustomization flux-system\/apps/);
  const fluxHelm = detectGitOps({ metadata: { labels: { 'helm.toolkit.fluxcd.io/name': 'api', 'helm.toolkit.fluxcd.io/namespace': 'prod', 'app.kubernetes.io/managed-by': 'Helm' }, annotations: { 'meta.helm.sh/release-name': 'api', 'meta.helm.sh/release-namespace': 'prod' } } });
  assert.deepEqual(fluxHelm.map((f) => f.tool), ['Flux', 'Helm']);
  assert.match(fluxHelm[0]!.where, /HelmRelease prod\/api/);
  assert.match(fluxHelm[1]!.where, /Helm release api \(namespace prod\)/);
  assert.equal(detectGitOps({ metadata: { managedFields: [{ manager: 'kustomize-controller' }] } })[0]?.evidence, 'managedFields manager kustomize-controller');
  assert.match(gitOpsWarning(flux)!, /^Managed by Flux \(label kustomize.toolkit.fluxcd.io\/name\): make the lasting change in the Git source/);
  assert.equal(gitOpsWarning([]), undefined);
  const hostile = detectGitOps({ metadata: { annotations: { 'meta.helm.sh/release-name': `x\u001b[31m${'y'.repeat(500)}` } } });
  assert.ok(hostile[0]!.where.length < 300 && !hostile[0]!.where.includes('\u001b'));
});

test('the server\'s Status in words: message, then the causes it does not already say', () => {
  const err = new HttpStatusError(422, {
    kind: 'Status', status: 'Failure', reason: 'Invalid', code: 422,
    message: 'Deployment.apps "api" is invalid: spec.template.spec.containers[0].resources.requests: Invalid value: "256Mi": must be less than or equal to memory limit of 128Mi',
    details: { causes: [
      { reason: 'FieldValueInvalid', field: 'spec.template.spec.containers[0].resources.requests', message: 'Invalid value: "256Mi": must be less than or equal to memory limit of 128Mi' },
      { reason: 'Forbidden', message: 'maximum memory usage per Container is 1Gi, but limit is 2Gi' },
    ] },
  }, '/x');
  const s = serverStatus(err)!;
  assert.equal(s.code, 422);
  assert.equal(statusText(s).split('\n').length, 2);
  assert.match(statusText(s), /^422 Invalid: Deployment.apps "api" is invalid/);
  assert.match(statusText(s), /\n {2}- maximum memory usage per Container is 1Gi, but limit is 2Gi$/);
  assert.equal(serverStatus(new HttpStatusError(502, '<html>bad gateway</html>', '/x'))!.message, '<html>bad gateway</html>');
  assert.equal(serverStatus(new Error('x')), undefined);
});

test('the diff text drops status and write bookkeeping, and the changed lines are listed', () => {
  const before = { metadata: { name: 'api', resourceVersion: '1', generation: 1, managedFields: [{ manager: 'kubectl' }] }, spec: { a: 1 }, status: { replicas: 2 } };
  const after = { metadata: { name: 'api', resourceVersion: '2', generation: 2 }, spec: { a: 2 }, status: { replicas: 1 } };
  const a = objectYaml(before);
  assert.doesNotMatch(a, /resourceVersion|generation|managedFields|status/);
  assert.deepEqual(changedLines(a, objectYaml(after)), ['- a: 1', '+ a: 2']);
  assert.equal(objectYaml(undefined), '# deleted\n');
});
