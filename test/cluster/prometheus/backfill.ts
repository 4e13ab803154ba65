// History for a Prometheus that has just started, so a trend is visible at once: healthy
// containers flat, leaking ones rising to their limit, OOM-killed, restarted after a back-off,
// rising again. Written as OpenMetrics with past timestamps for `promtool tsdb create-blocks-from`.
import { families, formatLabels, podSamples } from './exposition.ts';
import type { ContainerState, Labels, MetricsContainer, MetricsPod } from './exposition.ts';

export interface HistoryOptions {
  minutes: number;
  /** Leak rate for containers that have restarted or were OOM-killed and give no rate of their own. */
  leakPerMinuteBytes?: number;
  nowMs: number;
  /** Labels the scrape adds (job, instance), per family kind, so history and live are one series. */
  targetLabels: { cadvisor: Labels; kubeStateMetrics: Labels };
  /**
   * The caller will add each container's OOM kills to its live restart count (and show the last one
   * as lastState): the counter then ends at `restarts` + kills, so history and live values join.
   */
  restartsFromHistory?: boolean;
}

/** How many OOM kills the history holds for a container; the last one's start and end. */
export interface ContainerHistory { namespace: string; pod: string; container: string; ooms: number; lastOOMAt?: Date; lastStartedAt?: Date; firstOOMAt?: Date }

// The kubelet's restart back-off, simplified to one pause between an OOM kill and the next start.
const backoffMs = 60_000;
// Keeps a backfill file of thousands of pods under a few hundred MB.
const maxSamples = 2_000_000;

interface Timeline { stateAt(t: number): ContainerState; ooms: number[]; cycleMs: number }

function leakRate(c: MetricsContainer, fallback: number | undefined): number {
  if (c.leakPerMinuteBytes !== undefined) return c.leakPerMinuteBytes;
  return c.restarts > 0 || c.lastTerminatedReason === 'OOMKilled' ? fallback ?? 0 : 0;
}

function timelineOf(c: MetricsContainer, perMinute: number, nowMs: number, startMs: number): Timeline {
  const w = c.workingSetBytes || c.requestBytes || 32 * 1024 * 1024;
  const rssShare = c.workingSetBytes ? c.rssBytes / c.workingSetBytes : 0.85;
  const usageShare = c.workingSetBytes ? Math.max(1, c.usageBytes / c.workingSetBytes) : 1;
  const state = (ws: number, restarts: number, reason: string | undefined, running = true): ContainerState =>
    ({ running, workingSetBytes: Math.round(ws), rssBytes: Math.round(ws * rssShare), usageBytes: Math.round(ws * usageShare), restarts, lastTerminatedReason: reason });
  const perMs = perMinute / 60_000;
  const limit = c.limitBytes ?? 0;
  if (perMs <= 0) {
    // Healthy: flat with a little deterministic noise, like a real steady working set.
    return { ooms: [], cycleMs: 0, stateAt: (t) => state(w * (1 + 0.01 * Math.sin(t / 97_000)), c.restarts, c.lastTerminatedReason) };
  }
  // Worked backwards from now: the current container started `since` ms ago at the fresh level,
  // before it came a back-off pause, before that a container that grew to the limit and was killed.
  const fresh = Math.min(Math.max(w, 0.1 * limit), 0.8 * limit);
  const since = Math.max(0, (w - fresh) / perMs);
  const cycle = (limit - fresh) / perMs;
  if (!limit || nowMs - since - backoffMs - cycle < startMs) {
    // No limit, or no whole life up to it fits in the window (a slow leak): one container rising into now.
    return { ooms: [], cycleMs: 0, stateAt: (t) => state(Math.max(w * 0.3, w - perMs * (nowMs - t)), c.restarts, c.lastTerminatedReason) };
  }
  const ooms: number[] = []; // newest first
  for (let t = nowMs - since - backoffMs; t > startMs; t -= cycle + backoffMs) ooms.push(t);
  const currentStart = nowMs - since;
  return {
    ooms,
    cycleMs: cycle,
    stateAt(t) {
      const after = ooms.filter((o) => o >= t).length;
      const restarts = Math.max(0, c.restarts - after);
      const reason = ooms.some((o) => o < t) ? 'OOMKilled' : after === 0 || restarts > 0 ? c.lastTerminatedReason : undefined;
      if (t >= currentStart) return state(fresh + perMs * (t - currentStart), restarts, reason);
      const next = after ? ooms[after - 1] : undefined; // the OOM that ends the container running at t
      if (next === undefined || t < next - cycle) return state(0, restarts, reason, false);
      return state(limit - perMs * (next - t), restarts, reason);
    },
  };
}

/** The OpenMetrics text of the last `minutes`, and how many OOM kills it tells of per container. */
export function renderHistory(pods: MetricsPod[], opts: HistoryOptions): { text: string; containers: ContainerHistory[] } {
  const startMs = opts.nowMs - opts.minutes * 60_000;
  const timelines = pods.map((p) => p.containers.map((c) => {
    const rate = leakRate(c, opts.leakPerMinuteBytes);
    const tl = timelineOf(c, rate, opts.nowMs, startMs);
    if (!opts.restartsFromHistory || tl.ooms.length === 0) return tl;
    // The kill times do not depend on the restart count: the same timeline, counting up to the seeded value.
    const seeded = { ...c, restarts: c.restarts + tl.ooms.length, lastTerminatedReason: c.lastTerminatedReason ?? 'OOMKilled' };
    return timelineOf(seeded, rate, opts.nowMs, startMs);
  }));
  const seriesPerPod = pods.reduce((n, p) => n + 3 * (p.containers.length + 1) + 4 * p.containers.length, 0);
  const stepMs = Math.max(15_000, Math.ceil((seriesPerPod * opts.minutes * 60_000) / maxSamples / 15_000) * 15_000);
  const cadvisor = new Set(families.filter((f) => f.cadvisor).map((f) => f.name));
  // OpenMetrics wants each family contiguous and each series in time order: collect, then write.
  const series = new Map<string, Map<string, string[]>>(families.map((f) => [f.name, new Map()]));
  for (let t = Math.ceil(startMs / stepMs) * stepMs; t < opts.nowMs - 1000; t += stepMs) {
    pods.forEach((pod, i) => {
      for (const s of podSamples(pod, timelines[i].map((tl) => tl.stateAt(t)))) {
        const target = cadvisor.has(s.name) ? opts.targetLabels.cadvisor : opts.targetLabels.kubeStateMetrics;
        const key = formatLabels({ ...s.labels, ...target });
        const family = series.get(s.name)!;
        const points = family.get(key) ?? [];
        if (points.length === 0) family.set(key, points);
        points.push(`${s.value} ${(t / 1000).toFixed(3)}`);
      }
    });
  }
  const lines: string[] = [];
  for (const f of families) {
    for (const [labels, points] of series.get(f.name)!) for (const p of points) lines.push(`${f.name}${labels} ${p}`);
  }
  lines.push('# EOF');
  const containers = pods.flatMap((p, i) => p.containers.map((c, j) => {
    const { ooms, cycleMs } = timelines[i][j];
    const last = ooms.length ? { lastOOMAt: new Date(ooms[0]), lastStartedAt: new Date(ooms[0] - cycleMs), firstOOMAt: new Date(ooms.at(-1)!) } : {};
    return { namespace: p.namespace, pod: p.pod, container: c.name, ooms: ooms.length, ...last };
  }));
  return { text: lines.join('\n') + '\n', containers };
}
