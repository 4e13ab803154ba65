import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadYaml } from '@kubernetes/client-node';
import { DEFAULT_METRICS, InvalidQueryInputError } from '../../src/prometheus/promql.ts';
import { alertRulesYaml, scopesForPods } from '../../src/triage/alertRules.ts';
import type { PodMemory } from '../../src/triage/model.ts';

const pod = (name: string, kind: PodMemory['workload']['kind'], workload: string, namespace = 'shop'): PodMemory => ({
  ref: { context: 'prod', namespace, name },
  uid: name,
  workload: { kind, namespace, name: workload },
  phase: 'Running',
  labels: {},
  containers: [],
});

interface RuleFile {
  groups: { name: string; rules: { alert: string; expr: string; for?: string; labels: Record<string, string>; annotations: Record<string, string> }[] }[];
}

test('one group per owning workload, bare pods by name, each with the three alerts', () => {
  const pods = [pod('api-7d9f8c6b5-x7k2p', 'Deployment', 'api'), pod('api-7d9f8c6b5-b4z9q', 'Deployment', 'api'), pod('db-0', 'StatefulSet', 'db'), pod('debug', 'Pod', 'debug')];
  const scopes = scopesForPods(pods, { cluster: 'prod' });
  assert.equal(scopes.length, 3);
  const file = loadYaml<RuleFile>(alertRulesYaml(scopes, { metrics: DEFAULT_METRICS, warningPercent: 80, format: 'rulesFile' }));
  assert.deepEqual(file.groups.map((g) => g.name), ['memory-triage.shop.deployment.api', 'memory-triage.shop.statefulset.db', 'memory-triage.shop.pods']);
  for (const group of file.groups) {
    assert.deepEqual(group.rules.map((r) => r.alert), ['ContainerMemoryNearLimit', 'ContainerOOMKilled', 'ContainerMemoryLimitForecast']);
    for (const rule of group.rules) assert.match(rule.expr, /cluster="prod"/);
  }
  assert.match(file.groups[2]!.rules[0]!.expr, /pod="debug"/);
  // promtool lints two alerts with one name and equal labels as duplicates: each group's are told apart
  const labelSets = file.groups.flatMap((g) => g.rules.map((r) => JSON.stringify([r.alert, r.labels])));
  assert.equal(new Set(labelSets).size, 9);
  assert.deepEqual(file.groups[0]!.rules[0]!.labels, { severity: 'warning', namespace: 'shop', workload: 'Deployment/api' });
  const [high, oom, forecast] = file.groups[0]!.rules;
  assert.equal(high!.for, '5m');
  assert.match(oom!.expr, /increase\(kube_pod_container_status_restarts_total\{.*\}\[1h\]\)/);
  assert.match(oom!.expr, /reason="OOMKilled"/);
  assert.match(forecast!.expr, /predict_linear\(container_memory_working_set_bytes\{.*\}\[30m\], 3600\)/);
});

test('the threshold and metric names come from the settings', () => {
  const scopes = scopesForPods([pod('db-0', 'StatefulSet', 'db')]);
  const metrics = { ...DEFAULT_METRICS, workingSet: 'cluster:ws_bytes', limit: 'ksm_limit' };
  const text = alertRulesYaml(scopes, { metrics, warningPercent: 65, format: 'rulesFile' });
  const [high] = loadYaml<RuleFile>(text).groups[0]!.rules;
  assert.match(high!.expr, /> 65$/);
  assert.match(high!.expr, /cluster:ws_bytes\{/);
  assert.match(high!.expr, /ksm_limit\{/);
  assert.match(high!.annotations['description']!, /65%/);
  for (const bad of [0, 101, Number.NaN]) {
    assert.throws(() => alertRulesYaml(scopes, { metrics, warningPercent: bad, format: 'rulesFile' }), InvalidQueryInputError);
  }
  assert.throws(() => alertRulesYaml(scopes, { metrics: { ...metrics, restarts: 'x} or vector(1)' }, warningPercent: 80, format: 'rulesFile' }), InvalidQueryInputError);
  assert.throws(() => alertRulesYaml([], { metrics, warningPercent: 80, format: 'rulesFile' }), InvalidQueryInputError);
});

test('odd label values survive YAML and PromQL quoting unchanged', () => {
  const odd = 'a"b\\c: #d\n{{ $value }}\'e';
  const scopes = scopesForPods([pod('db-0', 'StatefulSet', 'db')], { cluster: odd });
  const text = alertRulesYaml(scopes, { metrics: DEFAULT_METRICS, warningPercent: 80, format: 'rulesFile' });
  for (const rule of loadYaml<RuleFile>(text).groups[0]!.rules) {
    // every cluster matcher, read back as a PromQL (Go-style) string, is the value itself
    const literals = [...rule.expr.matchAll(/cluster=("(?:[^"\\]|\\.)*")/g)].map((m) => JSON.parse(m[1]!) as string);
    assert.ok(literals.length >= 2, rule.alert);
    for (const literal of literals) assert.equal(literal, odd);
    // the value never reaches an annotation, where Prometheus would run it as a template
    for (const annotation of Object.values(rule.annotations)) assert.ok(!annotation.includes('$value }}\'e'));
  }
});

test('a PrometheusRule is namespaced when its pods are, and a line break in a name cannot end the header comment', () => {
  const scopes = scopesForPods([pod('db-0', 'StatefulSet', 'db\nkind: Secret')]);
  const text = alertRulesYaml(scopes, { metrics: DEFAULT_METRICS, warningPercent: 80, format: 'prometheusRule' });
  assert.ok(text.startsWith('# '));
  assert.ok(!text.split('\n')[1]!.startsWith('kind: Secret'));
  const rule = loadYaml<{ apiVersion: string; kind: string; metadata: { name: string; namespace: string }; spec: RuleFile }>(text);
  assert.equal(rule.apiVersion, 'monitoring.coreos.com/v1');
  assert.equal(rule.kind, 'PrometheusRule');
  assert.deepEqual([rule.metadata.name, rule.metadata.namespace], ['memory-triage-shop', 'shop']);
  assert.equal(rule.spec.groups[0]!.name, 'memory-triage.shop.statefulset.db\nkind: Secret');
});
