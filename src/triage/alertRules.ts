import { dumpYaml } from '@kubernetes/client-node';
import {
  InvalidQueryInputError, limitQuery, oomKilledQuery, predictedWorkingSetQuery, restartsIncreaseQuery, workingSetQuery,
  type PodScope, type TrendMetrics,
} from '../prometheus/promql.ts';
import type { PodMemory } from './model.ts';

// The runbook's post-incident "Add memory alerts", written for the pods in scope: the same
// PromQL the trend uses (promql.ts builds and escapes it), so an alert means what the chart shows.
// cAdvisor series carry no pod labels (kube_pod_labels holds only those kube-state-metrics is told
// to export), so the label selector becomes the pods' names: one group per owning workload, its
// pod-name pattern covering the pods the controller will create after this one is replaced.

export type AlertRulesFormat = 'prometheusRule' | 'rulesFile';

export interface AlertRulesOptions {
  readonly metrics: TrendMetrics;
  /** memoryTriage.warningThreshold: percent of the limit. */
  readonly warningPercent: number;
  readonly format: AlertRulesFormat;
  /** How long the working set stays above the threshold before the alert fires. */
  readonly highFor?: string;
  /** An OOM kill alerts for this long after it happened. */
  readonly oomWindow?: string;
  /** predict_linear fits a line over this range... */
  readonly predictRange?: string;
  /** ...and alerts when it reaches the limit within this many seconds. */
  readonly predictSeconds?: number;
  readonly predictFor?: string;
}

const DEFAULTS = { highFor: '5m', oomWindow: '1h', predictRange: '30m', predictSeconds: 3600, predictFor: '5m' };
const ON = 'on (namespace, pod, container)';
const NAME_PREFIX = 'memory-triage';

interface Rule {
  readonly alert: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
}

/** One scope per owning workload (bare pods: one per namespace, by name), extra Prometheus labels on each. */
export function scopesForPods(pods: readonly PodMemory[], labels: Readonly<Record<string, string>> = {}): PodScope[] {
  const workloads = new Map<string, PodScope>();
  const bare = new Map<string, string[]>();
  for (const pod of pods) {
    const { workload } = pod;
    if (workload.kind === 'Pod') {
      bare.set(pod.ref.namespace, [...(bare.get(pod.ref.namespace) ?? []), pod.ref.name]);
    } else {
      const key = `${workload.namespace}/${workload.kind}/${workload.name}`;
      if (!workloads.has(key)) workloads.set(key, { kind: 'workload', namespace: workload.namespace, workload: workload.kind, name: workload.name, labels });
    }
  }
  const bareScopes = [...bare].map(([namespace, names]): PodScope => ({ kind: 'pods', namespace, names, labels }));
  return [...workloads.values(), ...bareScopes];
}

/** The rules as YAML: a prometheus-operator PrometheusRule, or a file for Prometheus's rule_files. */
export function alertRulesYaml(scopes: readonly PodScope[], options: AlertRulesOptions): string {
  if (scopes.length === 0) throw new InvalidQueryInputError('no pods in scope: there is nothing to write alert rules for');
  const percent = options.warningPercent;
  if (!Number.isFinite(percent) || percent <= 0 || percent > 100) {
    throw new InvalidQueryInputError(`memoryTriage.warningThreshold is ${percent}; it must be a percent between 1 and 100`);
  }
  const groups = scopes.map((scope) => ({ name: groupName(scope), rules: rulesFor(scope, options) }));
  const namespaces = [...new Set(scopes.map((s) => s.namespace))];
  // names come from the cluster: a line break in one must not end the comment
  const header = `# Memory alert rules written by Kube Memory Triage for ${scopes.map(describeScope).join(', ').replace(/[\p{Cc}\u2028\u2029]/gu, '?')}\n`;
  if (options.format === 'rulesFile') return header + dump({ groups });
  const metadata = {
    name: namespaces.length === 1 ? `${NAME_PREFIX}-${namespaces[0]}` : NAME_PREFIX,
    ...(namespaces.length === 1 ? { namespace: namespaces[0] } : {}),
    labels: { 'app.kubernetes.io/managed-by': 'kube-memory-triage' },
  };
  return header + dump({ apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', metadata, spec: { groups } });
}

function rulesFor(scope: PodScope, options: AlertRulesOptions): Rule[] {
  const o = { ...DEFAULTS, ...options };
  const { metrics } = o;
  const limit = limitQuery(metrics, scope);
  const workingSet = workingSetQuery(metrics, scope);
  // promtool's lint takes two alerts with one name and the same labels for a duplicate: the
  // workload (and namespace, for the pods no controller owns) tells each group's apart, and says whose pods page
  const scopeLabels = { namespace: scope.namespace, workload: scope.kind === 'workload' ? `${scope.workload}/${scope.name}` : 'Pod' };
  const hours = o.predictSeconds / 3600;
  const within = Number.isInteger(hours) ? `${hours} h` : `${Math.round(o.predictSeconds / 60)} min`;
  return [
    {
      alert: 'ContainerMemoryNearLimit',
      expr: `100 * ${workingSet}\n  / ${ON}\n${limit}\n  > ${o.warningPercent}`,
      for: o.highFor,
      labels: { severity: 'warning', ...scopeLabels },
      annotations: {
        summary: `{{ $labels.namespace }}/{{ $labels.pod }} container {{ $labels.container }} uses {{ printf "%.0f" $value }}% of its memory limit`,
        description: `The working set (what the kernel weighs for an OOM kill) has been above ${o.warningPercent}% of the limit for ${o.highFor}.`,
      },
    },
    {
      alert: 'ContainerOOMKilled',
      expr: `${restartsIncreaseQuery(metrics, scope, o.oomWindow)}\n  > 0\nand ${ON}\n${oomKilledQuery(metrics, scope)}\n  == 1`,
      labels: { severity: 'critical', ...scopeLabels },
      annotations: {
        summary: `{{ $labels.namespace }}/{{ $labels.pod }} container {{ $labels.container }} was OOM-killed`,
        description: `It restarted in the last ${o.oomWindow} and its last termination was OOMKilled: it reached its memory limit.`,
      },
    },
    {
      alert: 'ContainerMemoryLimitForecast',
      expr: `${predictedWorkingSetQuery(metrics, scope, o.predictRange, o.predictSeconds)}\n  >= ${ON}\n${limit}`,
      for: o.predictFor,
      labels: { severity: 'warning', ...scopeLabels },
      annotations: {
        summary: `{{ $labels.namespace }}/{{ $labels.pod }} container {{ $labels.container }} will reach its memory limit within ${within}`,
        description: `A straight line through the last ${o.predictRange} of the working set reaches the limit within ${within}: a leak, or a limit too small for the load.`,
      },
    },
  ];
}

// Group names are unique in a file; namespaces and workload names are DNS names, so they stay readable.
function groupName(scope: PodScope): string {
  return `${NAME_PREFIX}.${scope.namespace}.${scope.kind === 'workload' ? `${scope.workload.toLowerCase()}.${scope.name}` : 'pods'}`;
}

function describeScope(scope: PodScope): string {
  return scope.kind === 'workload' ? `${scope.namespace}/${scope.workload} ${scope.name}` : `${scope.namespace} pods ${scope.names.join(' ')}`;
}

function dump(value: object): string {
  // lineWidth -1: no folding, so a long matcher stays on the line promtool reports errors on
  return dumpYaml(value, { lineWidth: -1, noRefs: true });
}
