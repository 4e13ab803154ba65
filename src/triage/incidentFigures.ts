// The figures a step records in the incident's timeline, taken from the models it produced.
// Plain strings and numbers (as shown on screen), so the timeline stays JSON and the report
// quotes exactly what the engineer saw.
import type { AllocationReport, PodMemory, PodRef, PoolReport } from './model.ts';
import { lastOomKill } from './oomHistory.ts';
import { containerPercent, initDone, shownPercent } from './pressure.ts';
import { formatBytes } from './quantity.ts';
import type { PodFigures, SiteFigures, TimelineTarget } from './timeline.ts';
import { formatRate, formatTimeToLimit } from './trendFormat.ts';
import type { ContainerTrend } from './trendVerdict.ts';

/** How many allocation sites the timeline keeps of a capture (the report's top lines). */
export const SITES_KEPT = 10;
/** The timeline keeps the figures of the pods under most pressure, not of a whole big namespace. */
export const PODS_KEPT = 50;

/** A pod as a timeline target. */
export function podTarget(ref: PodRef): TimelineTarget {
  return { context: ref.context, namespace: ref.namespace, kind: 'Pod', name: ref.name };
}

/** One row per running container of each pod (completed init containers have nothing to show). */
export function podFigures(pods: readonly PodMemory[]): PodFigures[] {
  return pods.flatMap((pod) => {
    const kill = lastOomKill(pod);
    return pod.containers.filter((c) => !initDone(c)).map((c) => {
      const percent = containerPercent(c);
      return {
        namespace: pod.ref.namespace,
        pod: pod.ref.name,
        container: c.name,
        ...(c.workingSetBytes !== undefined ? { workingSet: formatBytes(c.workingSetBytes) } : {}),
        ...(c.limitBytes ? { limit: formatBytes(c.limitBytes) } : {}),
        ...(percent !== undefined ? { percent: shownPercent(percent) } : {}),
        restarts: c.restartCount,
        ...(kill?.container === c.name && kill.at ? { lastOomKill: kill.at.toISOString() } : {}),
      };
    });
  });
}

/** The names of the pods whose status remembers an OOM kill. */
export function oomKilledNames(pods: readonly PodMemory[]): string[] {
  return pods.filter((p) => lastOomKill(p) !== undefined).map((p) => p.ref.name);
}

/** Step 3's top sites (the service's own code first, as the table shows it), each with its workspace file. */
export function siteFigures(report: AllocationReport, workspacePath: (file: string) => string | undefined): SiteFigures[] {
  const own = report.sites.filter((s) => !s.library);
  return (own.length > 0 ? own : report.sites).slice(0, SITES_KEPT).map((s) => {
    const mapped = workspacePath(s.file);
    return {
      file: s.file,
      line: s.line,
      ...(s.functionName ? { functionName: s.functionName } : {}),
      ...(mapped ? { workspacePath: mapped } : {}),
      bytes: formatBytes(s.bytes),
      ...(s.growthBytes !== undefined ? { growth: formatBytes(s.growthBytes) } : {}),
    };
  });
}

/** Step 2: per container, the slope, the time to the limit and the verdict, keyed "pod/container …". */
export function trendFigures(rows: readonly ContainerTrend[]): Record<string, string | number> {
  const figures: Record<string, string | number> = {};
  for (const r of rows) {
    const key = `${r.pod}/${r.container}`;
    if (r.latestBytes !== undefined) figures[`${key} latest`] = formatBytes(r.latestBytes);
    if (r.limitBytes !== undefined) figures[`${key} limit`] = formatBytes(r.limitBytes);
    if (r.slopeMiBPerMinute !== undefined) figures[`${key} slope`] = formatRate(r.slopeMiBPerMinute);
    figures[`${key} time to limit`] = formatTimeToLimit(r.secondsToLimit, r.limitBytes);
    figures[`${key} OOM kills`] = r.oomKills;
    figures[`${key} verdict`] = r.verdictText;
  }
  return figures;
}

/** Step 4: the verdict and the last look at each pool and at the database sockets. */
export function poolFigures(report: PoolReport): Record<string, string | number> {
  const figures: Record<string, string | number> = { verdict: `${report.verdict.kind}: ${report.verdict.text}` };
  const last = report.checks[report.checks.length - 1];
  if (!last) return figures;
  last.pools.forEach((p, i) => {
    const name = `pool ${i + 1} (${p.poolClass})`;
    if (p.checkedOut !== undefined) figures[`${name} checked out`] = p.checkedOut;
    if (p.checkedIn !== undefined) figures[`${name} checked in`] = p.checkedIn;
    if (p.size !== undefined) figures[`${name} size`] = p.size;
    if (p.overflow !== undefined) figures[`${name} overflow`] = p.overflow;
  });
  const db = last.sockets.filter((s) => s.service);
  for (const s of db) figures[`${s.service} ${s.state} to ${s.remoteAddress}:${s.remotePort}`] = s.count;
  return figures;
}
