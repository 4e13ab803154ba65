// A Go heap profile (the pprof protobuf, usually gzip-compressed) -> its allocation sites. The bytes
// come from a process in the cluster or a file from anywhere: size bounded before and after
// gunzip, every index checked, and anything that is not a heap profile refused with the reason.
import { gunzipSync } from 'node:zlib';
import { Profile } from 'pprof-format';
import type { StackFrame } from '../../triage/model.ts';

export type GoSampleType = 'inuse_space' | 'alloc_space';

/** The count that goes with each size (Go writes both: alloc_objects/alloc_space, inuse_objects/inuse_space). */
const COUNT_OF: Record<GoSampleType, string> = { inuse_space: 'inuse_objects', alloc_space: 'alloc_objects' };

const MAX_COMPRESSED = 64 * 1024 * 1024;
const MAX_DECODED = 256 * 1024 * 1024;
const MAX_FRAMES = 64;

export class PprofError extends Error {}

/** One site: the frame it is shown at, what is there, and the stack of its biggest sample. */
export interface PprofSite {
  readonly frame: StackFrame;
  bytes: number;
  count: number;
  traceback: readonly StackFrame[];
  biggest: number;
}

export interface PprofHeap {
  readonly sampleType: GoSampleType;
  readonly sampleTypes: readonly string[];
  /** Keyed by file:line:function of the shown frame. */
  readonly sites: Map<string, PprofSite>;
  readonly totalBytes: number;
  readonly totalCount: number;
  readonly takenAt?: Date;
  /** Set in a delta profile (`?seconds=`): its values are what changed over that time. */
  readonly durationSeconds?: number;
  /** runtime.MemProfileRate as the profile states it (its period), when given. */
  readonly samplingBytes?: number;
}

const GZIP = (b: Uint8Array) => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;

function decode(bytes: Uint8Array): Profile {
  if (bytes.length === 0) throw new PprofError('The file is empty: not a pprof profile.');
  if (bytes.length > MAX_COMPRESSED) throw new PprofError(`The profile is ${Math.round(bytes.length / 1048576)} MiB, more than the ${MAX_COMPRESSED / 1048576} MiB a Go heap profile may be.`);
  let raw: Uint8Array = bytes;
  if (GZIP(bytes)) {
    try {
      raw = gunzipSync(bytes, { maxOutputLength: MAX_DECODED });
    } catch (err) {
      const why = (err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' ? `it unpacks to more than ${MAX_DECODED / 1048576} MiB` : 'its gzip data is truncated or corrupt';
      throw new PprofError(`Not a readable pprof profile: ${why}.`);
    }
  }
  try {
    return Profile.decode(raw);
  } catch {
    throw new PprofError(GZIP(bytes)
      ? 'Not a pprof profile: the file is gzip-compressed, but what it holds is not a profile protobuf.'
      : 'Not a pprof profile: it is neither gzip-compressed (a Go profile from /debug/pprof starts with the gzip header) nor a profile protobuf.');
  }
}

const num = (v: number | bigint | undefined): number => (typeof v === 'bigint' ? Number(v) : v ?? 0);

/** The package path of a Go function name: "net/http.(*conn).serve" -> "net/http", "main.f" -> "main". */
function packageOf(fn: string): string {
  const slash = fn.lastIndexOf('/');
  const dot = fn.indexOf('.', slash + 1);
  return dot < 0 ? fn : fn.slice(0, dot);
}

/**
 * Not the service's own code: the standard library and runtime (a package path whose first element
 * has no dot, other than main), and modules from the module cache or vendor/ ("mod@v1.2.3/...").
 */
export function isLibraryFrame(file: string, fn: string): boolean {
  const pkg = packageOf(fn);
  if (pkg && pkg !== 'main' && !pkg.split('/')[0].includes('.')) return true;
  return /@v\d|\/pkg\/mod\/|(^|\/)vendor\//.test(file);
}

function strings(p: Profile): (i: number | bigint) => string {
  const table = p.stringTable.strings;
  return (i) => {
    const s = table[num(i)];
    return typeof s === 'string' ? s.slice(0, 4096) : '';
  };
}

/** Each location id -> its frames, innermost (inlined) first, as pprof lists them. */
function locationFrames(p: Profile, str: (i: number | bigint) => string): Map<number, StackFrame[]> {
  const functions = new Map(p.function.map((f) => [num(f.id), f]));
  const out = new Map<number, StackFrame[]>();
  for (const loc of p.location) {
    const frames: StackFrame[] = [];
    for (const line of loc.line) {
      const fn = functions.get(num(line.functionId));
      if (!fn) continue;
      const functionName = str(fn.name) || str(fn.systemName);
      const file = str(fn.filename);
      const lineNo = num(line.line);
      if (!file || !Number.isSafeInteger(lineNo) || lineNo < 0) continue;
      frames.push({ file, line: lineNo, ...(functionName ? { functionName } : {}), library: isLibraryFrame(file, functionName) });
    }
    out.set(num(loc.id), frames);
  }
  return out;
}

/** Reads a heap profile; `sampleType` picks inuse_space (what is alive) or alloc_space (all allocated). */
export function readHeapProfile(bytes: Uint8Array, sampleType: GoSampleType = 'inuse_space'): PprofHeap {
  const p = decode(bytes);
  const str = strings(p);
  const types = p.sampleType.map((t) => str(t.type));
  if (types.length === 0 || str(0) !== '') throw new PprofError('Not a pprof profile: it has no sample types.');
  const at = types.indexOf(sampleType);
  if (at < 0) {
    throw new PprofError(`Not a Go heap profile: its samples are ${types.join(', ') || 'unnamed'}, not ${sampleType} (take /debug/pprof/heap, not the CPU or goroutine profile).`);
  }
  const countAt = types.indexOf(COUNT_OF[sampleType]);
  const frames = locationFrames(p, str);
  const sites = new Map<string, PprofSite>();
  let totalBytes = 0;
  let totalCount = 0;
  for (const s of p.sample) {
    if (s.value.length !== types.length) throw new PprofError(`Not a valid pprof profile: a sample has ${s.value.length} values for ${types.length} sample types.`);
    const bytes = num(s.value[at]);
    const count = countAt >= 0 ? num(s.value[countAt]) : 0;
    if (!Number.isFinite(bytes) || !Number.isFinite(count)) throw new PprofError('Not a valid pprof profile: a sample value is out of range.');
    totalBytes += bytes;
    totalCount += count;
    if (bytes === 0 && count === 0) continue;
    const stack = s.locationId.slice(0, 1024).flatMap((id) => frames.get(num(id)) ?? []);
    // Shown at the first frame of the service's own code (what allocated, in its terms); else the leaf.
    const frame = stack.find((f) => !f.library) ?? stack[0];
    if (!frame) continue;
    const key = `${frame.file}:${frame.line}:${frame.functionName ?? ''}`;
    const site = sites.get(key) ?? { frame, bytes: 0, count: 0, traceback: [], biggest: -Infinity };
    site.bytes += bytes;
    site.count += count;
    if (Math.abs(bytes) > site.biggest) {
      site.biggest = Math.abs(bytes);
      site.traceback = stack.slice(0, MAX_FRAMES);
    }
    sites.set(key, site);
  }
  const nanos = num(p.timeNanos);
  const duration = num(p.durationNanos);
  const period = num(p.period);
  return {
    sampleType, sampleTypes: types, sites, totalBytes, totalCount,
    takenAt: nanos > 0 && Number.isFinite(nanos) ? new Date(nanos / 1e6) : undefined,
    durationSeconds: duration > 0 && Number.isFinite(duration) ? duration / 1e9 : undefined,
    samplingBytes: period > 0 && Number.isFinite(period) ? period : undefined,
  };
}
