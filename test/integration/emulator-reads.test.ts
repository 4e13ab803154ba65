// The emulator's read side against the real kubectl 1.33, compared with what kube-apiserver 1.33
// does: SelfSubjectAccessReview / SelfSubjectRulesReview answered from the denials (`kubectl auth
// can-i`), the label selector grammar and its errors, each kind's field selectors (and the metrics
// API's), resourceVersion on lists and watches, and metadata validation on writes.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rawRequest } from '../cluster/client.ts';
import { startCluster, type Cluster, type ClusterConfig } from '../cluster/index.ts';
import { eventually, Kubectl, noKubectl } from './kubectl.ts';

const container = { name: 'c', image: 'registry.local/c:1', memory: { startMiB: 20 }, limits: { memory: '256Mi' } };
const pod = (name: string, labels: Record<string, string>) => ({ name, labels, container });

const config: Partial<ClusterConfig> = {
  readyDelayMs: 100,
  runtimePollMs: 200,
  watchHistory: 60,
  prometheus: { enabled: false, backfillMinutes: 0 },
  pods: [pod('solo', { app: 'solo' }), pod('blank', { app: '' }), pod('rank-1', { app: 'ranked', rank: '1' }), pod('rank-5', { app: 'ranked', rank: '5' }), pod('labelled', { app: 'labelled' })],
  deployments: [{ name: 'api', replicas: 1, labels: { app: 'api' }, container }],
  services: [{ name: 'churn', ports: [{ port: 80 }] }],
};

let cluster: Cluster;
let k: Kubectl;
let dir: string;
const kubectl = (...args: string[]) => k.run(...args);
const ok = (...args: string[]) => k.ok(...args);
const raw = (path: string, opts = {}) => rawRequest(cluster, path, opts);
const names = (stdout: string) => stdout.split(/\s+/).filter((w) => w.startsWith('pod/')).map((w) => w.slice(4)).sort();
const admin = (path: string, body: unknown) => fetch(`${cluster.adminUrl}${path}`, { method: 'POST', body: JSON.stringify(body) });

describe('emulator reads with kubectl 1.33', { skip: noKubectl }, () => {
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kmt-reads-'));
    cluster = await startCluster({ config, prometheus: false });
    k = await Kubectl.for(cluster.kubeconfigPath);
    await eventually('pods running', () => (cluster.store.list('pods', 'default').length === 6 && cluster.store.list('pods', 'default').every((p) => p.status?.phase === 'Running') ? true : undefined));
  });
  after(async () => {
    await cluster?.stop();
    await k?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  describe('kubectl auth can-i (SelfSubjectAccessReview)', () => {
    it('answers yes (exit 0) and, after a /deny, no (exit 1) in that namespace only', async () => {
      const yes = await kubectl('auth', 'can-i', 'list', 'pods', '-n', 'default');
      assert.deepEqual([yes.code, yes.stdout.trim()], [0, 'yes'], yes.stderr);
      await admin('/deny', { verb: 'list', resource: 'pods', namespace: 'default' });
      try {
        const no = await kubectl('auth', 'can-i', 'list', 'pods', '-n', 'default');
        assert.deepEqual([no.code, no.stdout.trim()], [1, 'no'], no.stderr);
        assert.equal((await kubectl('auth', 'can-i', 'list', 'pods', '-n', 'kube-system')).code, 0);
        assert.equal((await kubectl('auth', 'can-i', 'get', 'pods', '-n', 'default')).code, 0);
        assert.equal((await kubectl('auth', 'can-i', '*', '*')).code, 1, 'everything is not allowed any more');
        // The request itself meets the same denial.
        assert.match((await kubectl('get', 'pods', '-n', 'default')).stderr, /Forbidden/);
        const rules = await ok('auth', 'can-i', '--list', '-n', 'default');
        const podsRow = rules.split('\n').find((l) => l.startsWith('pods '));
        assert.ok(podsRow && !/\blist\b/.test(podsRow) && /\bget\b/.test(podsRow), rules);
      } finally {
        await admin('/allow', {});
      }
      assert.equal((await kubectl('auth', 'can-i', 'list', 'pods', '-n', 'default')).code, 0);
      assert.match(await ok('auth', 'can-i', '--list', '-n', 'default'), /^\*\.\*\s+\[\]\s+\[\]\s+\[\*\]$/m);
    });

    it('serves the review in discovery and with the real status fields', async () => {
      assert.match(await ok('api-resources', '--api-group=authorization.k8s.io'), /selfsubjectaccessreviews\s+authorization\.k8s\.io\/v1\s+false\s+SelfSubjectAccessReview/);
      const review = (attrs: unknown) => raw('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', { method: 'POST', body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: attrs } });
      cluster.admin.deny({ verb: 'delete', resource: 'deployments', group: 'apps' });
      try {
        const denied = await review({ resourceAttributes: { verb: 'delete', group: 'apps', resource: 'deployments', namespace: 'default' } });
        assert.equal(denied.status, 201);
        // RBAC has no opinion on what it does not grant: not allowed, not `denied`, no reason.
        assert.deepEqual(denied.json().status, { allowed: false });
        const allowed = (await review({ resourceAttributes: { verb: 'patch', group: 'apps', resource: 'deployments', namespace: 'default' } })).json();
        assert.equal(allowed.status.allowed, true);
        assert.equal(allowed.status.denied, undefined);
      } finally {
        cluster.admin.allow();
      }
      const empty = await review({});
      assert.equal(empty.status, 422);
      assert.equal(empty.json().message, 'SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified');
    });
  });

  describe('label selectors', () => {
    it('rejects what labels.Parse rejects with its words (400)', async () => {
      const cases: [string, string][] = [
        ['app=a=b', "found '=', expected: ',' or 'end of string'"],
        ['app in (a', "unable to parse requirement: found '', expected: ',' or ')'"],
        ['rank<x', `unable to parse requirement: values[0]: Invalid value: "x": for 'Gt', 'Lt' operators, the value must be an integer`],
        ['app=-x', `unable to parse requirement: values[0][app]: Invalid value: "-x": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`],
        ['-app', `unable to parse requirement: <nil>: Invalid value: "-app": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`],
        ['app foo', 'unable to parse requirement: found \'foo\', expected: in, notin, =, ==, !=, >, <'],
      ];
      for (const [selector, message] of cases) {
        const r = await kubectl('get', 'pods', '-l', selector);
        assert.equal(r.code, 1, selector);
        assert.equal(r.stderr.trim(), `Error from server (BadRequest): Unable to find "/v1, Resource=pods" that match label selector "${selector}", field selector "": ${message}`);
      }
    });

    it('selects with > and < on integer values, and reads "()" as the empty value', async () => {
      assert.deepEqual(names(await ok('get', 'pods', '-l', 'rank>2', '-o', 'name')), ['rank-5']);
      assert.deepEqual(names(await ok('get', 'pods', '-l', 'rank<2', '-o', 'name')), ['rank-1']);
      assert.deepEqual(names(await ok('get', 'pods', '-l', 'app in ()', '-o', 'name')), ['blank']);
      assert.deepEqual(names(await ok('get', 'pods', '-l', 'app in (solo,,ranked)', '-o', 'name')), ['blank', 'rank-1', 'rank-5', 'solo']);
      assert.equal(names(await ok('get', 'pods', '-l', 'app notin ()', '-o', 'name')).includes('blank'), false);
    });
  });

  describe('field selectors', () => {
    it('takes every field a pod converts, and refuses others with the real message', async () => {
      for (const selector of ['spec.schedulerName=default-scheduler', 'spec.serviceAccountName=default', 'spec.hostNetwork=false', 'status.nominatedNodeName=', 'spec.host=emulator-node', 'status.podIP!=']) {
        assert.ok(names(await ok('get', 'pods', '--field-selector', selector, '-o', 'name')).includes('solo'), selector);
      }
      const r = await kubectl('get', 'pods', '--field-selector', 'spec.containers=x');
      assert.match(r.stderr, /\(BadRequest\).*field label not supported: spec\.containers$/m);
    });

    it('takes status.phase on namespaces, and answers other kinds with their own message', async () => {
      assert.match(await ok('get', 'namespaces', '--field-selector', 'status.phase=Active', '-o', 'name'), /namespace\/default/);
      assert.match((await kubectl('get', 'namespaces', '--field-selector', 'metadata.namespace=x')).stderr, /field label not supported: metadata\.namespace$/m);
      assert.match((await kubectl('get', 'deployments', '--field-selector', 'status.replicas=1')).stderr, /"status\.replicas" is not a known field selector: only "metadata\.name", "metadata\.namespace"$/m);
    });

    it('filters the metrics API by metadata.name and by labels, as metrics-server does', async () => {
      await eventually('metrics for solo', async () => ((await kubectl('top', 'pod', 'solo')).code === 0 ? true : undefined));
      const top = await ok('top', 'pods', '--field-selector', 'metadata.name=solo', '--no-headers');
      assert.deepEqual(top.trim().split('\n').map((l) => l.split(/\s+/)[0]), ['solo']);
      const list = JSON.parse(await ok('get', '--raw', '/apis/metrics.k8s.io/v1beta1/namespaces/default/pods?labelSelector=rank%3E2'));
      assert.deepEqual(list.items.map((m: any) => m.metadata.name), ['rank-5']);
      const bad = await raw('/apis/metrics.k8s.io/v1beta1/pods?fieldSelector=spec.nodeName%3Dx');
      assert.deepEqual([bad.status, bad.json().message], [400, '"spec.nodeName" is not a known field selector: only "metadata.name", "metadata.namespace"']);
      assert.equal((await kubectl('top', 'pods', '-l', 'app=a=b')).code, 1);
    });
  });

  describe('resourceVersion', () => {
    it('lists the state at an exact resourceVersion, and pages through a snapshot', async () => {
      // kubectl -o json wraps the items in a list of its own; the server's resourceVersion needs --raw.
      const rv = JSON.parse(await ok('get', '--raw', '/api/v1/namespaces/default/pods?labelSelector=app%3Dlabelled')).metadata.resourceVersion;
      await ok('label', 'pod', 'labelled', 'stage=two');
      const then = JSON.parse(await ok('get', '--raw', `/api/v1/namespaces/default/pods?resourceVersion=${rv}&resourceVersionMatch=Exact&labelSelector=app%3Dlabelled`));
      assert.equal(then.metadata.resourceVersion, rv);
      assert.equal(then.items[0].metadata.labels.stage, undefined, 'the label came later');
      const now = JSON.parse(await ok('get', '--raw', '/api/v1/namespaces/default/pods?labelSelector=app%3Dlabelled'));
      assert.equal(now.items[0].metadata.labels.stage, 'two');

      // A continue token reads the first page's snapshot: a pod deleted meanwhile is still on page 2.
      const page1 = (await raw('/api/v1/namespaces/default/pods?limit=1&labelSelector=app%3Dranked')).json();
      assert.deepEqual(page1.items.map((p: any) => p.metadata.name), ['rank-1']);
      await ok('delete', 'pod', 'rank-5', '--grace-period=0', '--force');
      const page2 = (await raw(`/api/v1/namespaces/default/pods?limit=1&labelSelector=app%3Dranked&continue=${encodeURIComponent(page1.metadata.continue)}`)).json();
      assert.deepEqual(page2.items.map((p: any) => p.metadata.name), ['rank-5']);
    });

    it('answers 410 for a version it no longer has and 500 for one it never had', async () => {
      const first = JSON.parse(await ok('get', '--raw', '/api/v1/namespaces/default/services')).metadata.resourceVersion;
      for (let i = 0; i < 70; i++) {
        await raw('/api/v1/namespaces/default/services/churn', { method: 'PATCH', contentType: 'application/merge-patch+json', body: { metadata: { labels: { round: String(i) } } } });
      }
      const old = await kubectl('get', '--raw', `/api/v1/namespaces/default/services?resourceVersion=${first}&resourceVersionMatch=Exact`);
      assert.equal(old.stderr.trim(), 'Error from server (Expired): The resourceVersion for the provided list is too old.');
      const future = await raw('/api/v1/namespaces/default/services?resourceVersion=999999999&resourceVersionMatch=Exact');
      assert.deepEqual([future.status, future.json().message], [500, 'etcdserver: mvcc: required revision is a future revision']);
    });

    it('validates resourceVersionMatch and a malformed resourceVersion as the real server does', async () => {
      const noRv = await raw('/api/v1/namespaces/default/pods?resourceVersionMatch=Exact');
      assert.equal(noRv.status, 422);
      assert.equal(noRv.json().message, 'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided');
      const badList = await raw('/api/v1/namespaces/default/pods?resourceVersion=abc');
      assert.deepEqual([badList.status, badList.json().message], [400, 'invalid resource version: resourceVersion: Invalid value: "abc": strconv.ParseUint: parsing "abc": invalid syntax']);
      // A watch hands the parse error back unconverted: kube-apiserver 1.33 answers a bare 500, no stream.
      const badWatch = await raw('/api/v1/namespaces/default/pods?watch=1&resourceVersion=abc');
      assert.deepEqual(badWatch.json(), { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'resourceVersion: Invalid value: "abc": strconv.ParseUint: parsing "abc": invalid syntax', code: 500 });
    });
  });

  describe('metadata validation', () => {
    const nameRule = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

    it('refuses a bad label key or value on patch and create with 422', async () => {
      const key = await kubectl('patch', 'pod', 'solo', '-p', '{"metadata":{"labels":{"bad key!":"v"}}}');
      assert.equal(key.stderr.trim(), `The Pod "solo" is invalid: metadata.labels: Invalid value: "bad key!": ${nameRule}`);
      const value = await kubectl('patch', 'pod', 'solo', '--type=merge', '-p', '{"metadata":{"labels":{"ok":"v a l"}}}');
      assert.match(value.stderr, /^The Pod "solo" is invalid: metadata\.labels: Invalid value: "v a l": a valid label must be an empty string or consist of alphanumeric characters/);
      assert.deepEqual(cluster.store.get('pods', 'default', 'solo')!.metadata.labels, { app: 'solo' });
      const file = join(dir, 'bad.json');
      await writeFile(file, JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'Bad_Name', annotations: { 'a/b/c': 'x' } }, spec: { containers: [{ name: 'c', image: 'c:1' }] } }));
      const created = await kubectl('create', '-f', file, '--validate=false');
      assert.match(created.stderr, /^The Pod "Bad_Name" is invalid: \n\* metadata\.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of .*\n\* metadata\.annotations: Invalid value: "a\/b\/c": a qualified name must consist of /);
      assert.equal(cluster.store.get('pods', 'default', 'Bad_Name'), undefined);
    });

    it('refuses a changed uid: 422 on patch, 409 precondition on replace', async () => {
      const patched = await kubectl('patch', 'pod', 'solo', '--type=merge', '-p', '{"metadata":{"uid":"abc"}}');
      assert.equal(patched.stderr.trim(), 'The Pod "solo" is invalid: metadata.uid: Invalid value: "abc": field is immutable');
      const obj = JSON.parse(await ok('get', 'pod', 'solo', '-o', 'json'));
      const uid = obj.metadata.uid;
      obj.metadata.uid = 'abc';
      const file = join(dir, 'solo.json');
      await writeFile(file, JSON.stringify(obj));
      const replaced = await kubectl('replace', '-f', file, '--validate=false');
      assert.equal(replaced.stderr.trim(), `Error from server (Conflict): error when replacing "${file}": Operation cannot be fulfilled on pods "solo": StorageError: invalid object, Code: 4, Key: /registry/pods/default/solo, ResourceVersion: 0, AdditionalErrorMsg: Precondition failed: UID in precondition: abc, UID in object meta: ${uid}`);
      assert.equal(cluster.store.get('pods', 'default', 'solo')!.metadata.uid, uid);
    });
  });
});
