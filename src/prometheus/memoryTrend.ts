import type { MemoryTrend } from '../triage/model.ts';
import type { PrometheusClient } from './client.ts';
import { DEFAULT_METRICS, limitQuery, oomKilledQuery, restartsQuery, workingSetQuery, type PodScope, type TrendMetrics } from './promql.ts';
import { pointCount, safeStep } from './step.ts';
import { toEvents, toSeries } from './trendShape.ts';

export interface TrendRequest {
  readonly scope: PodScope;
  readonly start: number;
  readonly end: number;
  readonly step: number;
  readonly metrics?: TrendMetrics;
  readonly signal?: AbortSignal;
}

/**
 * Step 2 of the runbook: the working set of each container in scope, its limit, and the restarts
 * and OOM kills of the window, as one MemoryTrend. The four queries run side by side.
 */
export async function fetchMemoryTrend(client: PrometheusClient, req: TrendRequest): Promise<MemoryTrend> {
  const metrics = req.metrics ?? DEFAULT_METRICS;
  const step = safeStep(req.end - req.start, req.step);
  const range = (q: string) => client.queryRange(q, req.start, req.end, step, req.signal);
  const wsQuery = workingSetQuery(metrics, req.scope);
  const [workingSet, limits, restarts, oom] = await Promise.all([
    range(wsQuery),
    range(limitQuery(metrics, req.scope)),
    // restarts and OOM kills are optional: without kube-state-metrics the chart has no markers
    range(restartsQuery(metrics, req.scope)).catch(() => []),
    range(oomKilledQuery(metrics, req.scope)).catch(() => []),
  ]);
  return {
    namespace: req.scope.namespace,
    startSeconds: req.start,
    endSeconds: req.end,
    stepSeconds: step,
    workingSet: toSeries(workingSet),
    limits: toSeries(limits),
    events: toEvents(toSeries(restarts), toSeries(oom), step),
    source: `${client.where}: ${wsQuery} (${pointCount(req.start, req.end, step)} points at ${step} s)`,
  };
}
