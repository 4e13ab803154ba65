// The emulator's write side against the real kubectl 1.33, compared with what kube-apiserver
// does: DeleteOptions (dry run, grace period, propagation) from the body or the query, the
// response of a delete, field validation (Strict/Warn/Ignore), the pod spec being fixed once
// created, and quantities stored in their canonical form.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rawRequest } from '../cluster/client.ts';
import { startCluster, type Cluster, type ClusterConfig, type K8sObject } from '../cluster/index.ts';
import { dropUnknownFields } from '../cluster/schema.ts';
import { eventually, Kubectl, noKubectl } from './kubectl.ts';

const container = (name: string) => ({ name, image: `registry.local/${name}:1`, memory: { startMiB: 20 }, limits: { memory: '256Mi' } });
const deployment = (name: string, replicas = 2) => ({ name, replicas, labels: { app: name }, container: container(name) });
const pod = (name: string, app = name) => ({ name, labels: { app }, container: container('c') });

const config: Partial<ClusterConfig> = {
  readyDelayMs: 100,
  runtimePollMs: 200,
  prometheus: { enabled: false, backfillMinutes: 0 },
  deployments: [deployment('api'), deployment('orphaned'), deployment('fg'), deployment('dryrun'), deployment('gone', 1), deployment('quantities', 1)],
  pods: [pod('sessions-0', 'sessions'), pod('sessions-1', 'sessions'), pod('solo'), pod('doomed'), pod('shortened'), pod('raw-deleted')],
};

let cluster: Cluster;
let k: Kubectl;
const kubectl = (...args: string[]) => k.run(...args);
const ok = async (...args: string[]) => {
  const r = await k.run(...args);
  assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
  return r;
};
let dir: string;

/** Every stored version of one object while `fn` runs, as [event type, object]. */
async function recording(resource: string, name: string, fn: () => Promise<unknown>): Promise<[string, K8sObject][]> {
  const seen: [string, K8sObject][] = [];
  const stop = cluster.store.subscribe((e) => { if (e.resource === resource && e.object.metadata.name === name) seen.push([e.type, structuredClone(e.object)]); });
  try {
    await fn();
    return seen;
  } finally {
    stop();
  }
}

const podsOf = (app: string) => cluster.store.list('pods', 'default').filter((p) => p.metadata.labels?.app === app);
const get = (resource: string, name: string) => cluster.store.get(resource, 'default', name);
const file = async (name: string, obj: unknown) => {
  const path = join(dir, name);
  await writeFile(path, JSON.stringify(obj));
  return path;
};

describe('emulator writes with kubectl 1.33', { skip: noKubectl }, () => {
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kmt-writes-'));
    cluster = await startCluster({ config, prometheus: false });
    k = await Kubectl.for(cluster.kubeconfigPath);
    await eventually('deployments available', () => (cluster.store.list('deployments', 'default').every((d) => d.status?.availableReplicas === d.spec.replicas) ? true : undefined));
  });
  after(async () => {
    await cluster?.stop();
    await rm(dir, { recursive: true, force: true });
    await k?.dispose();
  });

  describe('delete', () => {
    it('changes nothing on a server dry run with DeleteOptions in the body', async () => {
      const { stdout } = await ok('delete', 'pod', '-l', 'app=sessions', '--dry-run=server');
      assert.match(stdout, /pod "sessions-0" deleted \(server dry run\)/);
      await ok('delete', 'deployment', 'dryrun', '--dry-run=server');
      await ok('delete', 'deployment', 'dryrun', '--cascade=orphan', '--dry-run=server');
      await new Promise((r) => setTimeout(r, 300));
      for (const p of podsOf('sessions')) assert.equal(p.metadata.deletionTimestamp, undefined, p.metadata.name);
      assert.equal(podsOf('sessions').length, 2);
      assert.ok(get('deployments', 'dryrun'));
      assert.equal(get('deployments', 'dryrun')!.metadata.finalizers, undefined);
      assert.equal(podsOf('dryrun').length, 2);
    });

    it('answers a dry run in the query with the pod as it would be, deletionTimestamp set', async () => {
      const before = get('pods', 'sessions-1')!;
      const { stdout } = await ok('delete', '--raw', '/api/v1/namespaces/default/pods/sessions-1?dryRun=All&gracePeriodSeconds=7');
      const answer = JSON.parse(stdout);
      assert.equal(answer.kind, 'Pod');
      assert.equal(answer.metadata.deletionGracePeriodSeconds, 7);
      const inSeconds = (Date.parse(answer.metadata.deletionTimestamp) - Date.now()) / 1000;
      assert.ok(inSeconds > 4 && inSeconds <= 8, `deletionTimestamp is now + the grace period, got ${inSeconds}s`);
      assert.deepEqual(get('pods', 'sessions-1'), before);
    });

    it('removes a pod at once with --grace-period=0 --force', async () => {
      const seen = await recording('pods', 'doomed', () => ok('delete', 'pod', 'doomed', '--grace-period=0', '--force'));
      assert.equal(get('pods', 'doomed'), undefined);
      const marked = seen.filter(([, o]) => o.metadata.deletionTimestamp);
      assert.ok(marked.length > 0);
      for (const [, o] of marked) assert.equal(o.metadata.deletionGracePeriodSeconds, 0);
    });

    it('keeps the grace period kubectl asks for', async () => {
      const seen = await recording('pods', 'shortened', () => ok('delete', 'pod', 'shortened', '--grace-period=5', '--wait=false'));
      const [, marked] = seen.find(([, o]) => o.metadata.deletionTimestamp)!;
      assert.equal(marked.metadata.deletionGracePeriodSeconds, 5);
    });

    it('answers a Success Status for a deployment and the object for a pod', async () => {
      const uid = get('deployments', 'gone')!.metadata.uid;
      const status = JSON.parse((await ok('delete', '--raw', '/apis/apps/v1/namespaces/default/deployments/gone')).stdout);
      assert.deepEqual(status, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: 'gone', group: 'apps', kind: 'deployments', uid } });
      const deletedPod = JSON.parse((await ok('delete', '--raw', '/api/v1/namespaces/default/pods/raw-deleted')).stdout);
      assert.equal(deletedPod.kind, 'Pod');
      assert.ok(deletedPod.metadata.deletionTimestamp);
    });

    it('keeps the dependents with --cascade=orphan', async () => {
      const rsBefore = cluster.store.list('replicasets', 'default').filter((rs) => rs.metadata.name.startsWith('orphaned-'));
      await ok('delete', 'deployment', 'orphaned', '--cascade=orphan');
      await eventually('deployment gone', () => (get('deployments', 'orphaned') ? undefined : true));
      await new Promise((r) => setTimeout(r, 500));
      for (const rs of rsBefore) {
        const now = get('replicasets', rs.metadata.name);
        assert.ok(now, `${rs.metadata.name} was deleted`);
        assert.equal(now.metadata.ownerReferences, undefined);
      }
      assert.equal(podsOf('orphaned').filter((p) => !p.metadata.deletionTimestamp).length, 2);
    });

    it('deletes the dependents first with --cascade=foreground', async () => {
      const order: string[] = [];
      let markedWith: string[] | undefined;
      const stop = cluster.store.subscribe((e) => {
        if (e.type === 'DELETED' && e.object.metadata.labels?.app === 'fg') order.push(`${e.resource}/${e.object.metadata.name}`);
        if (e.resource === 'deployments' && e.object.metadata.name === 'fg' && e.object.metadata.deletionTimestamp) markedWith ??= e.object.metadata.finalizers;
      });
      try {
        await ok('delete', 'deployment', 'fg', '--cascade=foreground');
      } finally {
        stop();
      }
      assert.deepEqual(markedWith, ['foregroundDeletion']);
      assert.equal(order.at(-1), 'deployments/fg');
      assert.ok(order.filter((o) => o.startsWith('pods/')).length >= 2, order.join(' '));
      assert.equal(podsOf('fg').length, 0);
    });

    it('refuses an unknown propagationPolicy like the real server', async () => {
      const r = await kubectl('delete', '--raw', '/api/v1/namespaces/default/pods/solo?propagationPolicy=Later');
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /The DeleteOptions "" is invalid: propagationPolicy: Unsupported value: "Later": supported values: "Foreground", "Background", "Orphan", "nil"/);
      assert.ok(get('pods', 'solo'));
    });
  });

  describe('field validation', () => {
    const unknownLimit = '{"spec":{"template":{"spec":{"containers":[{"name":"api","resources":{"limit":{"memory":"2Gi"}}}]}}}}';

    it('warns about an unknown field by default and drops it (kubectl patch sends no fieldValidation)', async () => {
      const r = await ok('patch', 'deployment', 'api', '--dry-run=server', '-p', unknownLimit);
      assert.match(r.stderr, /^Warning: unknown field "spec\.template\.spec\.containers\[0\]\.resources\.limit"$/m);
      const merge = await ok('patch', 'deployment', 'api', '--type=merge', '-p', '{"spec":{"paused":false,"pause":true}}');
      assert.match(merge.stderr, /^Warning: unknown field "spec\.pause"$/m);
      const json = await ok('patch', 'deployment', 'api', '--type=json', '-p', '[{"op":"add","path":"/metadata/label","value":{"a":"b"}}]');
      assert.match(json.stderr, /^Warning: unknown field "metadata\.label"$/m);
      const stored = get('deployments', 'api')!;
      assert.equal(stored.spec.pause, undefined);
      assert.equal(stored.metadata.label, undefined);
    });

    it('answers 400 under fieldValidation=Strict, for a body and for each patch type', async () => {
      const bad = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'strict' }, spec: { containers: [{ name: 'c', image: 'c:1', resources: { limit: { memory: '1Gi' } } }], bogus: 1 } };
      const r = await kubectl('create', '--raw', '/api/v1/namespaces/default/pods?fieldValidation=Strict', '-f', await file('strict.json', bad));
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /Error from server \(BadRequest\): Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec\.containers\[0\]\.resources\.limit", unknown field "spec\.bogus"/);
      assert.equal(get('pods', 'strict'), undefined);
      // kubectl patch has no --validate flag, so the patches go raw.
      const path = '/apis/apps/v1/namespaces/default/deployments/api?fieldValidation=Strict';
      for (const [contentType, body] of [
        ['application/strategic-merge-patch+json', unknownLimit],
        ['application/merge-patch+json', unknownLimit],
        ['application/json-patch+json', '[{"op":"add","path":"/spec/template/spec/containers/0/resources/limit","value":{"memory":"2Gi"}}]'],
      ]) {
        const res = await rawRequest(cluster, path, { method: 'PATCH', contentType, body });
        assert.equal(res.status, 400, contentType);
        assert.equal(res.json().message, 'strict decoding error: unknown field "spec.template.spec.containers[0].resources.limit"');
      }
      const scale = await rawRequest(cluster, '/apis/apps/v1/namespaces/default/deployments/api/scale?fieldValidation=Strict', { method: 'PATCH', contentType: 'application/merge-patch+json', body: '{"spec":{"replica":3}}' });
      assert.equal(scale.status, 400);
      assert.equal(scale.json().message, 'strict decoding error: unknown field "spec.replica"');
    });

    it('drops unknown fields silently under fieldValidation=Ignore (kubectl create --validate=false)', async () => {
      const body = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'ignored' }, spec: { containers: [{ name: 'c', image: 'c:1', resources: { limit: { memory: '1Gi' } } }] } };
      const r = await ok('create', '--validate=false', '-f', await file('ignored.json', body));
      assert.doesNotMatch(r.stderr, /Warning/);
      assert.deepEqual(get('pods', 'ignored')!.spec.containers[0].resources, {});
    });

    it('knows every field the emulator itself writes', async () => {
      const kinds: Record<string, string> = { pods: 'Pod', deployments: 'Deployment', replicasets: 'ReplicaSet', services: 'Service', namespaces: 'Namespace' };
      for (const [resource, kind] of Object.entries(kinds)) {
        for (const obj of cluster.store.list(resource)) assert.deepEqual(dropUnknownFields(kind, obj), [], `${resource}/${obj.metadata.name}`);
      }
    });
  });

  describe('pod spec', () => {
    it('refuses a change other than an image with 422 Forbidden', async () => {
      const r = await kubectl('patch', 'pod', 'solo', '-p', '{"spec":{"containers":[{"name":"c","resources":{"limits":{"memory":"100Mi"}}}]}}');
      assert.notEqual(r.code, 0);
      assert.ok(r.stderr.startsWith('The Pod "solo" is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)\n'), r.stderr);
      assert.equal(get('pods', 'solo')!.spec.containers[0].resources.limits.memory, '256Mi');
      const removal = await kubectl('patch', 'pod', 'solo', '--type=json', '-p', '[{"op":"remove","path":"/spec/containers/0"}]');
      assert.match(removal.stderr, /spec\.containers: Forbidden: pod updates may not add or remove containers/);
    });

    it('allows an image change', async () => {
      await ok('set', 'image', 'pod/solo', 'c=registry.local/c:2');
      assert.equal(get('pods', 'solo')!.spec.containers[0].image, 'registry.local/c:2');
    });
  });

  describe('quantities', () => {
    it('stores limits and requests in canonical form', async () => {
      const patch = { spec: { template: { spec: { containers: [{ name: 'quantities', resources: { limits: { memory: '2048Mi', cpu: '1000m' }, requests: { memory: '0.5Gi', cpu: '0.1' } } }] } } } };
      await ok('patch', 'deployment', 'quantities', '-p', JSON.stringify(patch));
      const out = (await ok('get', 'deployment', 'quantities', '-o', 'jsonpath={.spec.template.spec.containers[0].resources}')).stdout;
      assert.deepEqual(JSON.parse(out), { limits: { cpu: '1', memory: '2Gi' }, requests: { cpu: '100m', memory: '512Mi' } });
      // A plain number is a decimal quantity: resource.Quantity keeps 2147483648 as it is (it is not 2Gi).
      const bare = { spec: { template: { spec: { containers: [{ name: 'quantities', resources: { limits: { memory: 2147483648 } } }] } } } };
      await ok('patch', 'deployment', 'quantities', '-p', JSON.stringify(bare));
      assert.equal(get('deployments', 'quantities')!.spec.template.spec.containers[0].resources.limits.memory, '2147483648');
    });
  });
});
