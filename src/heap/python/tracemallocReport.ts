// The injected program's `stop` result -> AllocationReport. Nothing in it is trusted (it comes from
// a process in the cluster): every field is checked for type and size, and anything else dropped.
import type { AllocationReport, AllocationSite, PodRef, StackFrame } from '../../triage/model.ts';
import { CaptureError } from '../captureError.ts';

const MAX_SITES = 2000;
const MAX_FRAMES = 128;

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** A figure the report cannot do without; sizes, counts and times are never negative (a growth may be). */
function num(v: unknown, what: string, signed = false): number {
  if (!finite(v) || (!signed && v < 0)) throw new CaptureError('failed', `The capture's result has no valid ${what}.`);
  return v;
}

function str(v: unknown, max = 4096): string {
  return typeof v === 'string' ? v.slice(0, max) : '';
}

function frameOf(f: unknown): StackFrame | undefined {
  const o = f as Record<string, unknown> | null;
  if (!o || typeof o !== 'object' || typeof o.file !== 'string' || !Number.isSafeInteger(o.line) || (o.line as number) < 0) return undefined;
  const functionName = str(o.function, 200) || undefined;
  return { file: str(o.file), line: o.line as number, library: o.lib === true, ...(functionName ? { functionName } : {}) };
}

function siteOf(s: unknown): AllocationSite | undefined {
  const o = s as Record<string, unknown> | null;
  const at = frameOf(o);
  // A site without a valid size, count and growth is dropped, not shown with made-up zeros.
  if (!o || !at || !finite(o.size) || o.size < 0 || !finite(o.count) || o.count < 0 || !finite(o.growth)) return undefined;
  const traceback = Array.isArray(o.traceback) ? o.traceback.slice(0, MAX_FRAMES).map(frameOf).filter((f): f is StackFrame => !!f) : [];
  return {
    file: at.file, line: at.line, library: at.library, ...(at.functionName ? { functionName: at.functionName } : {}), code: str(o.code, 240) || undefined,
    bytes: o.size, count: o.count, growthBytes: o.growth, growthCount: finite(o.sinceStartCount) ? o.sinceStartCount : undefined, traceback,
  };
}

export interface CaptureContext {
  readonly pod: PodRef;
  readonly container: string;
  readonly pid: number;
  /** How we got in, said in the report ("gdb in the ephemeral container ..."). */
  readonly wayIn: string;
  /** The target's pause in ms for each injection (stopped by gdb, then our code holding the GIL). */
  readonly pauses: readonly { stoppedMs: number; callMs: number }[];
  readonly python?: string;
}

export function tracemallocReport(result: Record<string, unknown>, ctx: CaptureContext): AllocationReport {
  if (result.mode !== 'stop' || !Array.isArray(result.sites)) throw new CaptureError('failed', 'The capture gave no sites.');
  const startedAt = num(result.startedAt, 'start time');
  const takenAt = num(result.takenAt, 'end time');
  if (takenAt < startedAt) throw new CaptureError('failed', 'The capture\'s result ends before it starts.');
  const sites = result.sites.slice(0, MAX_SITES).map(siteOf).filter((s): s is AllocationSite => !!s);
  const tracingBefore = result.tracingBefore === true;
  const window = Math.max(0, takenAt - startedAt);
  const pause = ctx.pauses.map((p) => `${Math.round(p.stoppedMs + p.callMs)} ms (${Math.round(p.stoppedMs)} stopped, ${Math.round(p.callMs)} running our code)`).join(' and ');
  const notes = [
    tracingBefore
      ? `tracemalloc was already on (PYTHONTRACEMALLOC): sizes are everything traced; growth is measured from the start of the window`
      : `tracemalloc was off: started for the window (${num(result.frames, 'frame count')} frames) and stopped again, so only what was allocated during it is traced`,
    `growth: the Theil-Sen slope of each site's traced size over ${num(result.samples, 'sample count')} samples in the window (none for a site that rose between two samples only), so a buffer made once or replaced does not count as growing`,
    `sites are the first frame of the service's own code in each allocating traceback (else the allocating line)`,
    `tracemalloc's own memory at the end: ${Math.round(num(result.overheadBytes, 'overhead') / 1024)} KiB for ${Math.round(num(result.tracedBytes, 'traced size') / 1024)} KiB traced`,
    `the process was paused ${pause} (gdb stop, then our code holding the GIL)`,
  ];
  return {
    pod: ctx.pod, container: ctx.container, pid: ctx.pid, runtime: 'python', takenAt: new Date(takenAt * 1000),
    totalBytes: num(result.totalSize, 'total size'), totalCount: num(result.totalCount, 'total count'),
    growthBytes: num(result.growthSize, 'total growth', true), sites,
    method: {
      description: `tracemalloc in the live process${ctx.python ? ` (Python ${str(ctx.python, 20)})` : ''}, injected by ${ctx.wayIn}`,
      measure: 'growth', windowSeconds: Math.round(window * 10) / 10, notes,
    },
  };
}
