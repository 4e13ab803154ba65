import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DEFAULT_METRICS, escapeRegex, InvalidQueryInputError, limitQuery, oomKilledQuery, quote, scopeMatchers,
  workingSetQuery,
} from '../../src/prometheus/promql.ts';

// The pod matcher's value as a JS regex: PromQL anchors it at both ends; JSON.parse undoes the quoting.
function podRegex(podMatcher: string): RegExp {
  return new RegExp(`^(?:${JSON.parse(podMatcher.slice('pod=~'.length)) as string})$`);
}

test('quote escapes backslash, quote and control characters', () => {
  assert.equal(quote('api'), '"api"');
  assert.equal(quote('a"b'), '"a\\"b"');
  assert.equal(quote('a\\b'), '"a\\\\b"');
  assert.equal(quote('a\nb\tc'), '"a\\nb\\tc"');
  assert.equal(quote('\u0001'), '"\\u0001"');
  // an injection attempt stays inside the string
  assert.equal(quote('x"} or vector(1) #'), '"x\\"} or vector(1) #"');
});

test('escapeRegex makes dots and other metacharacters literal', () => {
  assert.equal(escapeRegex('api-7d9f.x'), 'api-7d9f\\.x');
  assert.equal(escapeRegex('a|b(c)*+?[]{}^$\\'), 'a\\|b\\(c\\)\\*\\+\\?\\[\\]\\{\\}\\^\\$\\\\');
});

test('one pod is an equality matcher, several a regex alternation', () => {
  assert.deepEqual(scopeMatchers({ kind: 'pods', namespace: 'prod', names: ['api-1'] }), ['namespace="prod"', 'pod="api-1"']);
  assert.deepEqual(scopeMatchers({ kind: 'pods', namespace: 'prod', names: ['api.1', 'api-2', 'api.1'] }), [
    'namespace="prod"',
    'pod=~"api\\\\.1|api-2"',
  ]);
});

test("a workload's pattern matches the names its controller gives, not a sibling workload's", () => {
  const [, pod] = scopeMatchers({ kind: 'workload', namespace: 'default', workload: 'Deployment', name: 'api' });
  assert.equal(pod, 'pod=~"api-[bcdfghjklmnpqrstvwxz2456789]{1,10}-[bcdfghjklmnpqrstvwxz2456789]{5}"');
  const re = podRegex(pod!);
  assert.ok(re.test('api-7d9f8c5b6d-x2k4p'));
  assert.ok(re.test('api-z8-q2w4n'), 'a short hash: SafeEncodeString of a small number');
  assert.ok(!re.test('api-worker-7d9f8c5b6d-x2k4p'));
  assert.ok(!re.test('apiserver-1'));
  // a Job (or Helm hook) and a DaemonSet named api-<word>: words have vowels, generated names never do
  assert.ok(!re.test('api-migrate-x7k2p'));
  assert.ok(!re.test('api-agent-b4z9q'));
  const [, sts] = scopeMatchers({ kind: 'workload', namespace: 'db', workload: 'StatefulSet', name: 'pg.main' });
  assert.equal(sts, 'pod=~"pg\\\\.main-[0-9]+"');
});

test('DaemonSet, ReplicaSet and Job pods are <name>-<5> in the generated-name alphabet', () => {
  for (const workload of ['DaemonSet', 'ReplicaSet', 'Job'] as const) {
    const [, pod] = scopeMatchers({ kind: 'workload', namespace: 'default', workload, name: 'api' });
    const re = podRegex(pod!);
    assert.ok(re.test('api-b4z9q'), workload);
    // "api-agent" (a DaemonSet's own name, five letters) is no suffix: it has vowels
    assert.ok(!re.test('api-agent'), workload);
    assert.ok(!re.test('api-b4z9q0'), workload);
  }
});

test('working set query drops the pause and pod-level cgroups', () => {
  const q = workingSetQuery(DEFAULT_METRICS, { kind: 'pods', namespace: 'default', names: ['api-1'] });
  assert.equal(
    q,
    'max by (namespace, pod, container) (container_memory_working_set_bytes{namespace="default", pod="api-1", container!="", container!="POD"})',
  );
});

test('limit and OOM queries carry their fixed matchers', () => {
  const scope = { kind: 'pods', namespace: 'default', names: ['api-1'] } as const;
  assert.match(limitQuery(DEFAULT_METRICS, scope), /kube_pod_container_resource_limits\{.*resource="memory"\}/);
  assert.match(oomKilledQuery(DEFAULT_METRICS, scope), /reason="OOMKilled"/);
});

test('bad metric names and empty scopes are refused, not sent', () => {
  const scope = { kind: 'pods', namespace: 'default', names: ['a'] } as const;
  assert.throws(() => workingSetQuery({ ...DEFAULT_METRICS, workingSet: 'up} or vector(1)' }, scope), InvalidQueryInputError);
  assert.throws(() => scopeMatchers({ kind: 'pods', namespace: 'x', names: [] }), InvalidQueryInputError);
  assert.throws(() => scopeMatchers({ kind: 'workload', namespace: 'x', workload: 'Deployment', name: '' }), InvalidQueryInputError);
  const many = Array.from({ length: 201 }, (_, i) => `p${i}`);
  assert.throws(() => scopeMatchers({ kind: 'pods', namespace: 'x', names: many }), /at most 200/);
});

test('extra labels (one Thanos, several clusters) go on every query, quoted like the rest', () => {
  const scope = { kind: 'pods', namespace: 'default', names: ['db-0'], labels: { cluster: 'prod "eu"', region: 'eu-1' } } as const;
  assert.deepEqual(scopeMatchers(scope), ['namespace="default"', 'pod="db-0"', 'cluster="prod \\"eu\\""', 'region="eu-1"']);
  for (const q of [workingSetQuery(DEFAULT_METRICS, scope), limitQuery(DEFAULT_METRICS, scope), oomKilledQuery(DEFAULT_METRICS, scope)]) {
    assert.match(q, /cluster="prod \\"eu\\"", region="eu-1"/);
  }
});

test('an extra label that is not a label name, or one the query sets itself, is refused', () => {
  for (const label of ['clu-ster', '1st', 'a b', 'namespace', 'pod', 'container', '__name__']) {
    const scope = { kind: 'pods', namespace: 'default', names: ['db-0'], labels: { [label]: 'x' } } as const;
    assert.throws(() => scopeMatchers(scope), InvalidQueryInputError, label);
  }
});
