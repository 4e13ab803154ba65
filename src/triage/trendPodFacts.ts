import type { MemoryTrend, PodMemory, SeriesOf, TrendEvent } from './model.ts';

/**
 * Fills what Prometheus lacks from what the API server says about the pods: a flat limit line
 * from the pod spec when kube-state-metrics has no limit series (not installed, or relabelled),
 * and the last OOM kill from the container status when there are no restart series at all.
 */
export function withPodFacts(trend: MemoryTrend, pods: readonly PodMemory[]): MemoryTrend {
  const key = (pod: string, container: string) => `${pod}\u0000${container}`;
  const haveLimit = new Set(trend.limits.map((l) => key(l.pod, l.container)));
  const shown = new Set(trend.workingSet.map((s) => key(s.pod, s.container)));
  const limits: SeriesOf[] = [...trend.limits];
  const events: TrendEvent[] = [...trend.events];
  const noRestartData = trend.events.length === 0;
  for (const pod of pods) {
    if (pod.ref.namespace !== trend.namespace) continue;
    for (const c of pod.containers) {
      const k = key(pod.ref.name, c.name);
      if (!shown.has(k)) continue;
      if (!haveLimit.has(k) && c.limitBytes !== undefined && c.limitBytes > 0) {
        limits.push({ pod: pod.ref.name, container: c.name, samples: [[trend.startSeconds, c.limitBytes], [trend.endSeconds, c.limitBytes]] });
      }
      const t = c.lastTermination;
      const at = t?.finishedAt ? t.finishedAt.getTime() / 1000 : undefined;
      if (noRestartData && t?.reason === 'OOMKilled' && at !== undefined && at >= trend.startSeconds && at <= trend.endSeconds) {
        events.push({ pod: pod.ref.name, container: c.name, atSeconds: at, kind: 'OOMKilled' });
      }
    }
  }
  if (limits.length === trend.limits.length && events.length === trend.events.length) return trend;
  return { ...trend, limits, events: events.sort((a, b) => a.atSeconds - b.atSeconds) };
}
