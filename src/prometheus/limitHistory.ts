// The history Option B's proposal is made from: one container's peak working set over the window
// and the pods of the workload whose container was OOM-killed in it, with the limit they had.
import type { PrometheusClient } from './client.ts';
import { limitOverQuery, oomKilledOverQuery, peakWorkingSetQuery, type PodScope, type TrendMetrics } from './promql.ts';

export interface ContainerHistory {
  readonly peakBytes?: number;
  readonly kills: number;
  /** The highest limit among the killed pods (the limit the container was killed at). */
  readonly limitAtLastKillBytes?: number;
  /** The queries as sent, for the log. */
  readonly queries: readonly string[];
}

export async function readContainerHistory(client: PrometheusClient, metrics: TrendMetrics, scope: PodScope, container: string, days: number, signal?: AbortSignal): Promise<ContainerHistory> {
  const queries = [peakWorkingSetQuery(metrics, scope, container, days), oomKilledOverQuery(metrics, scope, container, days), limitOverQuery(metrics, scope, container, days)];
  const [peak, killed, limits] = await Promise.all(queries.map((q) => client.query(q, undefined, signal)));
  const killedPods = new Set(killed!.filter((s) => s.value >= 1).map((s) => s.labels.pod));
  let limitAtLastKillBytes: number | undefined;
  for (const s of limits!) {
    if (killedPods.has(s.labels.pod) && (limitAtLastKillBytes === undefined || s.value > limitAtLastKillBytes)) limitAtLastKillBytes = s.value;
  }
  const peakBytes = peak![0]?.value;
  return { peakBytes: peakBytes !== undefined && Number.isFinite(peakBytes) ? peakBytes : undefined, kills: killedPods.size, limitAtLastKillBytes, queries };
}
