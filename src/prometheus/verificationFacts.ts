import type { PrometheusContainerFacts } from '../triage/verificationEvidence.ts';
import type { PrometheusClient } from './client.ts';
import { labelMatchers, matcher, type TrendMetrics } from './promql.ts';

/**
 * What kube-state-metrics says of every container of a namespace since the moment: restarts
 * (increase of the counter over the time since) and the last terminated reason. Pods replaced
 * since still have their series, so a kill in a pod that is gone is seen too.
 */
export async function verificationFacts(
  client: PrometheusClient,
  metrics: TrendMetrics,
  namespace: string,
  since: Date,
  extraLabels: Readonly<Record<string, string>> = {},
  now = Date.now(),
  signal?: AbortSignal,
): Promise<PrometheusContainerFacts[]> {
  const selector = `{${[matcher('namespace', '=', namespace), ...labelMatchers(extraLabels)].join(',')}}`;
  const window = Math.max(60, Math.ceil((now - since.getTime()) / 1000));
  const [restarts, reasons] = await Promise.all([
    client.query(`increase(${metrics.restarts}${selector}[${window}s])`, now / 1000, signal),
    client.query(`${metrics.lastTerminatedReason}${selector} == 1`, now / 1000, signal),
  ]);
  const key = (l: Readonly<Record<string, string>>) => `${l.pod}/${l.container}`;
  const reasonOf = new Map(reasons.map((s) => [key(s.labels), s.labels.reason]));
  return restarts
    .filter((s) => s.labels.pod && s.labels.container)
    .map((s) => ({ namespace, pod: s.labels.pod!, container: s.labels.container!, restartsSince: s.value, lastTerminatedReason: reasonOf.get(key(s.labels)) }));
}
