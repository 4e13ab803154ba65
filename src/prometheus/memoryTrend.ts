import type { MemoryTrend } from '../triage/model.ts';
import type { PrometheusClient } from './client.ts';
import {
  containerMemoryQuery, DEFAULT_METRICS, limitQuery, oomKilledQuery, restartsQuery, workingSetQuery, type PodScope, type TrendMetrics,
} from './promql.ts';
import { pointCount, safeStep } from './step.ts';
import { toEvents, toSeries } from './trendShape.ts';

export interface TrendRequest {
  readonly scope: PodScope;
  readonly start: number;
  readonly end: number;
  readonly step: number;
  readonly metrics?: TrendMetrics;
  /** Other measures to draw beside the working set. */
  readonly compare?: readonly CompareWith[];
  readonly signal?: AbortSignal;
}

export type CompareWith = 'rss' | 'usage';
const COMPARE_LABELS: Record<CompareWith, string> = { rss: 'RSS', usage: 'usage' };

/**
 * Step 2 of the runbook: the working set of each container in scope, its limit, and the restarts
 * and OOM kills of the window, as one MemoryTrend. The four queries run side by side.
 */
export async function fetchMemoryTrend(client: PrometheusClient, req: TrendRequest): Promise<MemoryTrend> {
  const metrics = req.metrics ?? DEFAULT_METRICS;
  const step = safeStep(req.end - req.start, req.step);
  const range = (q: string) => client.queryRange(q, req.start, req.end, step, req.signal);
  const wsQuery = workingSetQuery(metrics, req.scope);
  // started with the others; a missing comparison metric only leaves its lines out (never rejects)
  const comparing = Promise.all(
    [...new Set(req.compare ?? [])].map(async (c) => ({
      label: COMPARE_LABELS[c],
      series: toSeries(await range(containerMemoryQuery(metrics[c], req.scope)).catch(() => [])),
    })),
  );
  const [workingSet, limits, restarts, oom] = await Promise.all([
    range(wsQuery),
    range(limitQuery(metrics, req.scope)),
    // restarts and OOM kills are optional: without kube-state-metrics the chart has no markers
    range(restartsQuery(metrics, req.scope)).catch(() => []),
    range(oomKilledQuery(metrics, req.scope)).catch(() => []),
  ]);
  const compare = await comparing;
  return {
    namespace: req.scope.namespace,
    startSeconds: req.start,
    endSeconds: req.end,
    stepSeconds: step,
    workingSet: toSeries(workingSet),
    limits: toSeries(limits),
    events: toEvents(toSeries(restarts), toSeries(oom), step),
    ...(compare.length > 0 ? { compare: compare.filter((c) => c.series.length > 0) } : {}),
    source: `${client.where}: ${wsQuery} (${pointCount(req.start, req.end, step)} points at ${step} s)`,
  };
}
