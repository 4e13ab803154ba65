// Go heap profiles -> AllocationReport: one profile read from a file (what is alive in it, or what
// changed in a delta profile), or two taken from a live process (growth between them).
import type { AllocationReport, AllocationSite, PodRef } from '../../triage/model.ts';
import { readHeapProfile, type GoSampleType, type PprofHeap, type PprofSite } from './pprofProfile.ts';

const MAX_SITES = 2000;

function sampling(heap: PprofHeap): string {
  const rate = heap.samplingBytes ? `${Math.round(heap.samplingBytes / 1024)} KiB` : 'runtime.MemProfileRate';
  return `Go samples about one allocation per ${rate} allocated; the figures are the runtime's estimates scaled from those samples, so a site that allocated little may be missing`;
}

const SITE_NOTE = 'sites are the first frame of the service\'s own code in each sampled stack (else the allocating frame); the standard library and module-cache code are marked as library';

function siteOf(s: PprofSite, growth?: { bytes: number; count: number }): AllocationSite {
  const f = s.frame;
  return {
    file: f.file, line: f.line, ...(f.functionName ? { functionName: f.functionName } : {}), library: f.library,
    bytes: Math.max(0, s.bytes), count: Math.max(0, s.count), traceback: s.traceback,
    ...(growth ? { growthBytes: growth.bytes, growthCount: growth.count } : {}),
  };
}

/** The reader Open Heap File uses for `.pb.gz` / `.pprof`: a Go heap profile from disk. */
export function readPprof(bytes: Uint8Array, opts: { sampleType?: GoSampleType; sourceFile?: string } = {}): AllocationReport {
  const heap = readHeapProfile(bytes, opts.sampleType);
  const delta = heap.durationSeconds !== undefined && heap.sampleType === 'inuse_space';
  const sites = [...heap.sites.values()]
    .map((s) => (delta ? { ...siteOf(s, { bytes: s.bytes, count: s.count }), bytes: 0, count: 0 } : siteOf(s)))
    .sort((a, b) => (delta ? (b.growthBytes ?? 0) - (a.growthBytes ?? 0) : b.bytes - a.bytes))
    .slice(0, MAX_SITES);
  return {
    ...(opts.sourceFile ? { sourceFile: opts.sourceFile } : {}),
    runtime: 'go', takenAt: heap.takenAt ?? new Date(), sites,
    totalBytes: delta ? 0 : Math.max(0, heap.totalBytes), totalCount: delta ? 0 : Math.max(0, heap.totalCount),
    ...(delta ? { growthBytes: heap.totalBytes } : {}),
    method: {
      description: `Go heap profile (pprof, ${heap.sampleType}${delta ? ', a delta profile' : ''})`,
      measure: delta ? 'growth' : 'size', ...(heap.durationSeconds ? { windowSeconds: Math.round(heap.durationSeconds * 10) / 10 } : {}),
      notes: [
        delta
          ? 'a delta profile (/debug/pprof/heap?seconds=N): each site shows how much its live heap changed over that time; sizes alive are not in it'
          : heap.sampleType === 'inuse_space' ? 'inuse_space: what was alive at the last garbage collection before the profile was written' : 'alloc_space: everything allocated since the process started, freed or not',
        sampling(heap), SITE_NOTE,
      ],
    },
  };
}

export interface LiveProfiles {
  readonly start: Uint8Array;
  readonly end: Uint8Array;
  readonly windowSeconds: number;
  readonly pod: PodRef;
  readonly container: string;
  readonly port: number;
  readonly sampleType: GoSampleType;
}

/** Two heap profiles of one process, each right after a forced GC: growth is end minus start per site. */
export function liveReport(p: LiveProfiles): AllocationReport {
  const start = readHeapProfile(p.start, p.sampleType);
  const end = readHeapProfile(p.end, p.sampleType);
  const sites: AllocationSite[] = [];
  for (const [key, s] of end.sites) {
    const before = start.sites.get(key);
    sites.push(siteOf(s, { bytes: s.bytes - (before?.bytes ?? 0), count: s.count - (before?.count ?? 0) }));
  }
  for (const [key, s] of start.sites) {
    if (!end.sites.has(key)) sites.push({ ...siteOf(s, { bytes: -s.bytes, count: -s.count }), bytes: 0, count: 0 });
  }
  sites.sort((a, b) => (b.growthBytes ?? 0) - (a.growthBytes ?? 0) || b.bytes - a.bytes);
  const measured = p.sampleType === 'inuse_space'
    ? 'inuse_space: growth is what each site holds alive at the end minus at the start'
    : 'alloc_space: growth is what each site allocated during the window, freed or not';
  return {
    pod: p.pod, container: p.container, runtime: 'go', takenAt: end.takenAt ?? new Date(),
    totalBytes: Math.max(0, end.totalBytes), totalCount: Math.max(0, end.totalCount), growthBytes: end.totalBytes - start.totalBytes,
    sites: sites.filter((s) => s.bytes > 0 || s.growthBytes !== 0).slice(0, MAX_SITES),
    method: {
      description: `Go heap profile from net/http/pprof on port ${p.port}, through a port-forward`,
      measure: 'growth', windowSeconds: p.windowSeconds,
      notes: [
        `${measured}; both profiles were taken with ?gc=1 (a garbage collection first), so each is the heap at that moment, not at the last collection`,
        sampling(end), SITE_NOTE,
      ],
    },
  };
}
