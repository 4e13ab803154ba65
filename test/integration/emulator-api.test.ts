// Protocol details of the emulator below what kubectl shows: watch resume and 410 Expired,
// bookmarks, pagination tokens, selectors, patch types, dry runs, Status bodies and faults.
import { createServer } from 'node:http';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rawRequest, rawWatch } from '../cluster/client.ts';
import { startCluster, type Cluster, type ClusterConfig } from '../cluster/index.ts';

const config: Partial<ClusterConfig> = {
  backoff: { baseMs: 300, maxMs: 1000 },
  readyDelayMs: 100,
  watchHistory: 30,
  bookmarkIntervalMs: 100,
  prometheus: { enabled: false, backfillMinutes: 0 },
  namespaces: ['default', 'shop'],
  deployments: [{ name: 'api', replicas: 2, labels: { app: 'api' }, container: { name: 'api', image: 'api:1', memory: { startMiB: 30 }, limits: { memory: '128Mi' } } }],
  pods: [
    { name: 'web-1', namespace: 'shop', labels: { app: 'web', tier: 'front' }, container: { name: 'web', image: 'web:1', memory: { startMiB: 10 } } },
    { name: 'web-2', namespace: 'shop', labels: { app: 'web', tier: 'back' }, container: { name: 'web', image: 'web:1', memory: { startMiB: 10 } } },
    { name: 'db-1', namespace: 'shop', labels: { app: 'db' }, container: { name: 'db', image: 'db:1', memory: { startMiB: 10 } } },
  ],
  services: [{ name: 'web', namespace: 'shop', ports: [{ port: 80 }] }],
};

let cluster: Cluster;
const get = (path: string, opts = {}) => rawRequest(cluster, path, opts);

describe('emulator API details', () => {
  before(async () => {
    cluster = await startCluster({ config, prometheus: false });
  });
  after(async () => {
    await cluster?.stop();
  });

  it('rejects a missing or wrong token with a 401 Status, and an expired one', async () => {
    const r = await get('/api/v1/pods', { token: 'nope' });
    assert.equal(r.status, 401);
    assert.deepEqual(r.json(), { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
    cluster.admin.expireToken();
    assert.equal((await get('/api/v1/pods')).status, 401);
    cluster.admin.renewToken();
    assert.equal((await get('/api/v1/pods')).status, 200);
  });

  it('selects by label (=, !=, in, notin, exists, !) and by field', async () => {
    const names = async (q: string) => (await get(`/api/v1/namespaces/shop/pods?${q}`)).json().items.map((p: any) => p.metadata.name);
    assert.deepEqual(await names('labelSelector=app%3Dweb'), ['web-1', 'web-2']);
    assert.deepEqual(await names('labelSelector=app!%3Dweb'), ['db-1']);
    assert.deepEqual(await names('labelSelector=tier%20in%20(front,middle)'), ['web-1']);
    assert.deepEqual(await names('labelSelector=tier%20notin%20(front)'), ['db-1', 'web-2']);
    assert.deepEqual(await names('labelSelector=tier'), ['web-1', 'web-2']);
    assert.deepEqual(await names('labelSelector=!tier'), ['db-1']);
    assert.deepEqual(await names('fieldSelector=metadata.name%3Dweb-2'), ['web-2']);
    assert.deepEqual(await names('fieldSelector=spec.nodeName%3Demulator-node,status.phase%3DRunning&labelSelector=app%3Ddb'), ['db-1']);
    const bad = await get('/api/v1/namespaces/shop/pods?fieldSelector=spec.foo%3Dx');
    assert.equal(bad.status, 400);
    assert.equal(bad.json().reason, 'BadRequest');
  });

  it('pages with limit/continue and expires an old continue token with 410', async () => {
    const first = (await get('/api/v1/pods?limit=2')).json();
    assert.equal(first.items.length, 2);
    assert.ok(first.metadata.continue);
    const all = (await get('/api/v1/pods')).json().items.length;
    let seen = first.items.length;
    let token = first.metadata.continue;
    while (token) {
      const page = (await get(`/api/v1/pods?limit=2&continue=${encodeURIComponent(token)}`)).json();
      seen += page.items.length;
      token = page.metadata.continue;
    }
    assert.equal(seen, all);
  });

  it('resumes a watch from a resourceVersion and sends bookmarks', async () => {
    const list = (await get('/api/v1/namespaces/shop/pods')).json();
    const rv = list.metadata.resourceVersion;
    await get('/api/v1/namespaces/shop/pods/web-1', { method: 'PATCH', contentType: 'application/merge-patch+json', body: { metadata: { labels: { touched: 'yes' } } } });
    const events = await rawWatch(cluster, `/api/v1/namespaces/shop/pods?watch=true&resourceVersion=${rv}&allowWatchBookmarks=true&timeoutSeconds=1`);
    const modified = events.filter((e) => e.type === 'MODIFIED' && e.object.metadata.labels.touched);
    assert.ok(modified.length >= 1);
    assert.equal(modified[0].object.metadata.labels.touched, 'yes');
    assert.ok(Number(modified[0].object.metadata.resourceVersion) > Number(rv));
    assert.ok(events.some((e) => e.type === 'BOOKMARK' && e.object.kind === 'Pod'));
    assert.ok(!events.some((e) => e.type === 'ADDED'), 'a resumed watch does not replay the list');
  });

  it('answers a too-old resourceVersion with an ERROR event carrying 410 Expired', async () => {
    // Churn past the 30-event history.
    for (let i = 0; i < 40; i++) {
      await get('/api/v1/namespaces/shop/pods/db-1', { method: 'PATCH', contentType: 'application/merge-patch+json', body: { metadata: { annotations: { n: String(i) } } } });
    }
    const events = await rawWatch(cluster, '/api/v1/namespaces/shop/pods?watch=true&resourceVersion=2&timeoutSeconds=1');
    assert.equal(events.length, 1);
    assert.equal(events[0].type, 'ERROR');
    assert.equal(events[0].object.code, 410);
    assert.equal(events[0].object.reason, 'Expired');
    assert.match(events[0].object.message, /^too old resource version: 2 \(\d+\)$/);
  });

  it('starts a watch without resourceVersion with ADDED for every object', async () => {
    const events = await rawWatch(cluster, '/api/v1/namespaces/shop/pods?watch=1&timeoutSeconds=1&labelSelector=app%3Dweb');
    assert.deepEqual(events.filter((e) => e.type === 'ADDED').map((e) => e.object.metadata.name), ['web-1', 'web-2']);
  });

  it('applies JSON patch and merge patch, and 409s on a stale resourceVersion', async () => {
    const d = (await get('/apis/apps/v1/namespaces/default/deployments/api')).json();
    const jp = await get('/apis/apps/v1/namespaces/default/deployments/api', { method: 'PATCH', contentType: 'application/json-patch+json', body: [{ op: 'add', path: '/metadata/labels/team', value: 'payments' }] });
    assert.equal(jp.status, 200);
    assert.equal(jp.json().metadata.labels.team, 'payments');
    const stale = await get('/apis/apps/v1/namespaces/default/deployments/api', { method: 'PATCH', contentType: 'application/merge-patch+json', body: { metadata: { resourceVersion: d.metadata.resourceVersion, labels: { x: 'y' } } } });
    assert.equal(stale.status, 409);
    assert.equal(stale.json().reason, 'Conflict');
    const missing = await get('/apis/apps/v1/namespaces/default/deployments/nope');
    assert.equal(missing.status, 404);
    assert.equal(missing.json().message, 'deployments.apps "nope" not found');
  });

  it('creates with dryRun=All without persisting, then for real', async () => {
    const body = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'worker' }, spec: { replicas: 1, selector: { matchLabels: { app: 'worker' } }, template: { metadata: { labels: { app: 'worker' } }, spec: { containers: [{ name: 'w', image: 'w:1' }] } } } };
    const dry = await get('/apis/apps/v1/namespaces/shop/deployments?dryRun=All', { method: 'POST', body });
    assert.equal(dry.status, 201);
    assert.equal((await get('/apis/apps/v1/namespaces/shop/deployments/worker')).status, 404);
    assert.equal((await get('/apis/apps/v1/namespaces/shop/deployments', { method: 'POST', body })).status, 201);
    const deadline = Date.now() + 10_000;
    while ((await get('/apis/apps/v1/namespaces/shop/deployments/worker')).json().status?.availableReplicas !== 1) {
      assert.ok(Date.now() < deadline, 'worker never became available');
      await new Promise((r) => setTimeout(r, 100));
    }
    const pods = (await get('/api/v1/namespaces/shop/pods?labelSelector=app%3Dworker')).json().items;
    assert.equal(pods.length, 1);
    assert.equal(pods[0].metadata.ownerReferences[0].kind, 'ReplicaSet');
    const rs = (await get(`/apis/apps/v1/namespaces/shop/replicasets/${pods[0].metadata.ownerReferences[0].name}`)).json();
    assert.equal(rs.metadata.ownerReferences[0].kind, 'Deployment');
    assert.equal(rs.metadata.labels['pod-template-hash'], pods[0].metadata.labels['pod-template-hash']);
  });

  it('scales through PUT on the scale subresource', async () => {
    const scale = (await get('/apis/apps/v1/namespaces/default/deployments/api/scale')).json();
    scale.spec.replicas = 1;
    const put = await get('/apis/apps/v1/namespaces/default/deployments/api/scale', { method: 'PUT', body: scale });
    assert.equal(put.status, 200);
    assert.equal(put.json().spec.replicas, 1);
  });

  it('serves a Table to kubectl-style Accept headers', async () => {
    const t = (await get('/api/v1/namespaces/shop/pods?labelSelector=app+in+(web,db)', { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' })).json();
    assert.equal(t.kind, 'Table');
    assert.deepEqual(t.columnDefinitions.slice(0, 5).map((c: any) => c.name), ['Name', 'Ready', 'Status', 'Restarts', 'Age']);
    assert.equal(t.rows.length, 3);
  });

  it('proxies to a service target, 404s an unknown service and 503s one without a target', async () => {
    const upstream = createServer((req, res) => res.end(`upstream saw ${req.url}`));
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    try {
      cluster.setServiceTarget('shop', 'web', 80, `http://127.0.0.1:${(upstream.address() as any).port}`);
      const r = await get('/api/v1/namespaces/shop/services/http:web:80/proxy/api/v1/query?query=up');
      assert.equal(r.status, 200);
      assert.equal(r.body, 'upstream saw /api/v1/query?query=up');
      assert.equal((await get('/api/v1/namespaces/shop/services/nope:80/proxy/')).status, 404);
      const noTarget = await get('/api/v1/namespaces/monitoring/services/prometheus-server:9090/proxy/api/v1/query');
      assert.equal(noTarget.status, 503);
      assert.equal(noTarget.json().reason, 'ServiceUnavailable');
    } finally {
      upstream.close();
    }
  });

  it('denies per verb/resource/subresource, hides metrics.k8s.io, slows down and goes unreachable', async () => {
    cluster.admin.deny({ verb: 'create', resource: 'pods', subresource: 'exec', namespace: 'shop' });
    cluster.admin.deny({ verb: 'get', resource: 'deployments' });
    const denied = await get('/apis/apps/v1/namespaces/default/deployments/api');
    assert.equal(denied.status, 403);
    assert.equal(denied.json().message, 'deployments.apps "api" is forbidden: User "oncall@example.com" cannot get resource "deployments" in API group "apps" in the namespace "default"');
    cluster.admin.allow();
    cluster.admin.setMetricsAvailable(false);
    assert.ok(!(await get('/apis')).json().groups.some((g: any) => g.name === 'metrics.k8s.io'));
    assert.equal((await get('/apis/metrics.k8s.io/v1beta1/pods')).status, 404);
    cluster.admin.setMetricsAvailable(true);
    assert.equal((await get('/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods?labelSelector=app%3Dweb')).json().items.length, 2);
    cluster.admin.setDelay(300);
    const t0 = Date.now();
    await get('/version');
    assert.ok(Date.now() - t0 >= 300);
    cluster.admin.setDelay(0);
    await cluster.admin.setReachable(false);
    await assert.rejects(get('/version'), /ECONNREFUSED/);
    await cluster.admin.setReachable(true);
    assert.equal((await get('/version')).json().gitVersion, 'v1.33.0');
  });
});
