// An AllocationReport as the allocations table shows it: the rows the page sorts and filters, each
// with its share of the traced heap, its growth per minute and where it leads in the workspace.
// No vscode import: the host passes the path lookup in.
import type { AllocationReport, AllocationSite, StackFrame } from '../triage/model.ts';
import type { AllocationRow, AllocationsView, FrameRow, SiteLocation } from '../webview/protocol.ts';

/** More rows than anyone reads; a bound on the message and on the page's DOM. */
export const MAX_ROWS = 500;
/** The reader keeps up to 128 frames; more would not fit on screen anyway. */
export const MAX_FRAMES = 128;

const finite = (n: number | undefined): number | undefined => (typeof n === 'number' && Number.isFinite(n) ? n : undefined);

/** The order the table opens in: growth when the capture measured it, else size; ties by position. */
function rank(report: AllocationReport): (a: number, b: number) => number {
  const sites = report.sites;
  const key = report.method.measure === 'growth' ? (s: AllocationSite) => finite(s.growthBytes) ?? -Infinity : (s: AllocationSite) => finite(s.bytes) ?? -Infinity;
  return (a, b) => key(sites[b]!) - key(sites[a]!) || a - b;
}

function frameRow(f: StackFrame): FrameRow {
  return { file: f.file, line: f.line, functionName: f.functionName, library: f.library === true };
}

/**
 * A site is library code when the capture says so; a producer that only marks frames makes a
 * site library when none of its frames is the service's own (a site is the first own frame).
 */
function isLibrary(site: AllocationSite): boolean {
  if (site.library !== undefined) return site.library;
  const frames = site.traceback ?? [];
  return frames.length > 0 && frames.every((f) => f.library === true);
}

function row(site: AllocationSite, id: number, report: AllocationReport, locate: (file: string) => SiteLocation): AllocationRow {
  const bytes = finite(site.bytes) ?? 0;
  const growthBytes = finite(site.growthBytes);
  const windowSeconds = finite(report.method.windowSeconds);
  const total = finite(report.totalBytes) ?? 0;
  return {
    id,
    file: site.file,
    line: site.line,
    functionName: site.functionName,
    code: site.code,
    bytes,
    count: finite(site.count) ?? 0,
    growthBytes,
    growthCount: finite(site.growthCount),
    // a site's bytes can exceed the total when the producer's figures come from two moments
    share: total > 0 ? Math.min(1, Math.max(0, bytes / total)) : 0,
    growthPerMinute: growthBytes !== undefined && windowSeconds !== undefined && windowSeconds > 0 ? (growthBytes / windowSeconds) * 60 : undefined,
    library: isLibrary(site),
    location: locate(site.file),
    traceback: (site.traceback ?? []).slice(0, MAX_FRAMES).map(frameRow),
  };
}

/** The top MAX_ROWS sites (by growth, else size); `id` stays the site's index in report.sites. */
/** Constructors shown under the sites: the biggest; the saved report keeps them all. */
const MAX_GROUPS = 100;

export function allocationRows(report: AllocationReport, locate: (file: string) => SiteLocation): AllocationRow[] {
  const order = report.sites.map((_, i) => i).sort(rank(report));
  // many sites share a file, and a lookup may walk the workspace's file list: once a file
  const known = new Map<string, SiteLocation>();
  const once = (file: string) => known.get(file) ?? known.set(file, locate(file)).get(file)!;
  return order.slice(0, MAX_ROWS).map((i) => row(report.sites[i]!, i, report, once));
}

export function allocationsView(report: AllocationReport, title: string, locate: (file: string) => SiteLocation): AllocationsView {
  return {
    title,
    takenAt: report.takenAt.getTime(),
    measure: report.method.measure,
    windowSeconds: finite(report.method.windowSeconds),
    method: report.method.description,
    notes: report.method.notes ?? [],
    totalBytes: finite(report.totalBytes) ?? 0,
    growthBytes: finite(report.growthBytes),
    rows: allocationRows(report, locate),
    ...(report.groups?.length ? { groups: report.groups.slice(0, MAX_GROUPS) } : {}),
  };
}
