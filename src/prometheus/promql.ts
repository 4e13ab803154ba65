// PromQL text is built here and only here. Label values come from the cluster (pod names) and from
// settings, so every one goes through escapeLabelValue: a quote or backslash in a value must not
// change the query's meaning. Metric and label names are checked, not escaped: PromQL has no
// quoting for them.

/** Metric names, configurable for clusters that relabel or run older exporters. */
export interface TrendMetrics {
  readonly workingSet: string;
  /** cAdvisor's RSS and usage (usage counts page cache, which the kernel can reclaim): for comparison only. */
  readonly rss: string;
  readonly usage: string;
  readonly limit: string;
  readonly restarts: string;
  readonly lastTerminatedReason: string;
}

export const DEFAULT_METRICS: TrendMetrics = {
  workingSet: 'container_memory_working_set_bytes',
  rss: 'container_memory_rss',
  usage: 'container_memory_usage_bytes',
  limit: 'kube_pod_container_resource_limits',
  restarts: 'kube_pod_container_status_restarts_total',
  lastTerminatedReason: 'kube_pod_container_status_last_terminated_reason',
};

export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'ReplicaSet' | 'Job' | 'Pod';

/**
 * Which pods a query covers: named pods, or every pod a workload has had in the window (old pods
 * that were OOM-killed and replaced included), matched by the names its controller gives them.
 */
export type PodScope = (
  | { readonly kind: 'pods'; readonly namespace: string; readonly names: readonly string[] }
  | { readonly kind: 'workload'; readonly namespace: string; readonly workload: WorkloadKind; readonly name: string }
) & {
  /** More label=value matchers on every series, e.g. cluster="prod" when one Thanos holds several clusters. */
  readonly labels?: Readonly<Record<string, string>>;
};

// Labels the queries set themselves: an extra matcher on one of them would contradict the scope.
const SCOPE_LABELS = new Set(['__name__', 'namespace', 'pod', 'container', 'resource', 'reason']);

// Pod names by controller: <deployment>-<pod-template-hash>-<5>, <statefulset>-<ordinal>,
// <daemonset|replicaset|job>-<5>. Anchored this tightly so "api" does not take "api-worker"'s pods.
// Kubernetes writes the hash and the suffix in its own alphabet, without vowels or 0, 1, 3
// (k8s.io/apimachinery util/rand: String and SafeEncodeString), so Job "api-migrate" or
// DaemonSet "api-agent" (pods api-migrate-x7k2p, api-agent-b4z9q) is not taken for a Deployment's.
const GENERATED = '[bcdfghjklmnpqrstvwxz2456789]';
const NAME_SUFFIX: Record<WorkloadKind, string> = {
  Deployment: `-${GENERATED}{1,10}-${GENERATED}{5}`,
  StatefulSet: '-[0-9]+',
  DaemonSet: `-${GENERATED}{5}`,
  ReplicaSet: `-${GENERATED}{5}`,
  Job: `-${GENERATED}{5}`,
  Pod: '',
};

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
// A query goes in a GET URL (the service proxy needs only `get` that way); bound the pod list.
export const MAX_PODS_PER_QUERY = 200;

export class InvalidQueryInputError extends Error {
  override readonly name = 'InvalidQueryInputError';
}

/** A double-quoted PromQL string literal holding exactly `value`. */
export function quote(value: string): string {
  let out = '"';
  for (const ch of value) {
    switch (ch) {
      case '\\': out += '\\\\'; break;
      case '"': out += '\\"'; break;
      case '\n': out += '\\n'; break;
      case '\r': out += '\\r'; break;
      case '\t': out += '\\t'; break;
      default: {
        const code = ch.codePointAt(0)!;
        // other control characters as \u escapes; PromQL follows Go's string rules
        out += code < 0x20 || code === 0x7f ? `\\u${code.toString(16).padStart(4, '0')}` : ch;
      }
    }
  }
  return out + '"';
}

/** `value` as an RE2 pattern that matches only itself. */
export function escapeRegex(value: string): string {
  return value.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

export function checkMetricName(name: string): string {
  if (!METRIC_NAME.test(name)) throw new InvalidQueryInputError(`"${name}" is not a valid Prometheus metric name`);
  return name;
}

export function matcher(label: string, op: '=' | '!=' | '=~' | '!~', value: string): string {
  if (!LABEL_NAME.test(label)) throw new InvalidQueryInputError(`"${label}" is not a valid label name`);
  return `${label}${op}${quote(value)}`;
}

/** The namespace and pod matchers of a scope. Prometheus anchors regexes at both ends. */
export function scopeMatchers(scope: PodScope): string[] {
  return [...podMatchers(scope), ...labelMatchers(scope.labels ?? {})];
}

/** label="value" matchers for the extra labels; throws InvalidQueryInputError for a bad name. */
export function labelMatchers(labels: Readonly<Record<string, string>>): string[] {
  return Object.entries(labels).map(([label, value]) => {
    if (SCOPE_LABELS.has(label)) throw new InvalidQueryInputError(`the label "${label}" is set by the query itself; it cannot be an extra label`);
    return matcher(label, '=', value);
  });
}

function podMatchers(scope: PodScope): string[] {
  const ns = matcher('namespace', '=', scope.namespace);
  if (scope.kind === 'workload') {
    if (scope.name === '') throw new InvalidQueryInputError('a workload name must not be empty');
    return [ns, matcher('pod', '=~', `${escapeRegex(scope.name)}${NAME_SUFFIX[scope.workload]}`)];
  }
  const names = [...new Set(scope.names)];
  if (names.length === 0) throw new InvalidQueryInputError('no pod given');
  if (names.length > MAX_PODS_PER_QUERY) {
    throw new InvalidQueryInputError(`${names.length} pods in one trend; at most ${MAX_PODS_PER_QUERY}`);
  }
  if (names.length === 1) return [ns, matcher('pod', '=', names[0]!)];
  return [ns, matcher('pod', '=~', names.map(escapeRegex).join('|'))];
}

function selector(metric: string, matchers: readonly string[]): string {
  return `${checkMetricName(metric)}{${matchers.join(', ')}}`;
}

// cAdvisor keeps a series for the pause container (container="POD") and a pod-level cgroup
// (container=""); neither is an application container. `max by` folds duplicates (a restarted
// container's old cgroup lingers for a few minutes with other id/image labels).
const BY_CONTAINER = 'by (namespace, pod, container)';

export function workingSetQuery(metrics: TrendMetrics, scope: PodScope): string {
  return containerMemoryQuery(metrics.workingSet, scope);
}

/** Any cAdvisor per-container memory gauge, application containers only. */
export function containerMemoryQuery(metric: string, scope: PodScope): string {
  return `max ${BY_CONTAINER} (${selector(metric, containerMatchers(scope))})`;
}

function containerMatchers(scope: PodScope): string[] {
  return [...scopeMatchers(scope), matcher('container', '!=', ''), matcher('container', '!=', 'POD')];
}

const DURATION = /^[1-9][0-9]*(ms|s|m|h|d|w|y)$/;

function checkDuration(duration: string): string {
  if (!DURATION.test(duration)) throw new InvalidQueryInputError(`"${duration}" is not a Prometheus duration like 30m`);
  return duration;
}

/** The working set a straight line fitted over the last `range` reaches `seconds` from now. */
export function predictedWorkingSetQuery(metrics: TrendMetrics, scope: PodScope, range: string, seconds: number): string {
  return `max ${BY_CONTAINER} (predict_linear(${selector(metrics.workingSet, containerMatchers(scope))}[${checkDuration(range)}], ${Math.round(seconds)}))`;
}

/** How many times each container restarted in the last `window`. */
export function restartsIncreaseQuery(metrics: TrendMetrics, scope: PodScope, window: string): string {
  return `max ${BY_CONTAINER} (increase(${selector(metrics.restarts, scopeMatchers(scope))}[${checkDuration(window)}]))`;
}

export function limitQuery(metrics: TrendMetrics, scope: PodScope): string {
  const m = [...scopeMatchers(scope), matcher('resource', '=', 'memory')];
  return `max ${BY_CONTAINER} (${selector(metrics.limit, m)})`;
}

export function restartsQuery(metrics: TrendMetrics, scope: PodScope): string {
  return `max ${BY_CONTAINER} (${selector(metrics.restarts, scopeMatchers(scope))})`;
}

/** 1 while a container's last termination was an OOM kill. */
export function oomKilledQuery(metrics: TrendMetrics, scope: PodScope): string {
  const m = [...scopeMatchers(scope), matcher('reason', '=', 'OOMKilled')];
  return `max ${BY_CONTAINER} (${selector(metrics.lastTerminatedReason, m)})`;
}

/** One container's peak working set over the window, across every pod the scope has had. */
export function peakWorkingSetQuery(metrics: TrendMetrics, scope: PodScope, container: string, days: number): string {
  const m = [...scopeMatchers(scope), matcher('container', '=', container)];
  return `max(max_over_time(${selector(metrics.workingSet, m)}[${windowDays(days)}d]))`;
}

/** Per pod: 1 when the container's last termination in the window was an OOM kill. */
export function oomKilledOverQuery(metrics: TrendMetrics, scope: PodScope, container: string, days: number): string {
  const m = [...scopeMatchers(scope), matcher('container', '=', container), matcher('reason', '=', 'OOMKilled')];
  return `max by (pod) (max_over_time(${selector(metrics.lastTerminatedReason, m)}[${windowDays(days)}d]))`;
}

/** Per pod: the container's memory limit, the highest it had in the window. */
export function limitOverQuery(metrics: TrendMetrics, scope: PodScope, container: string, days: number): string {
  const m = [...scopeMatchers(scope), matcher('container', '=', container), matcher('resource', '=', 'memory')];
  return `max by (pod) (max_over_time(${selector(metrics.limit, m)}[${windowDays(days)}d]))`;
}

function windowDays(days: number): number {
  if (!Number.isInteger(days) || days < 1 || days > 90) throw new InvalidQueryInputError(`a history of ${days} days: give 1 to 90`);
  return days;
}
