// A saved AllocationReport (Save Allocation Report / Open Allocation Report...): JSON with a format
// tag. A file may come from anywhere (a colleague, an incident ticket), so reading it checks every
// field and bounds its size; a bad one is refused with the field named, never half-shown.
import type { AllocationGroup, AllocationReport, AllocationSite, CaptureMethod, PodRef, StackFrame } from '../triage/model.ts';

export const REPORT_FORMAT = 'kube-memory-triage/allocation-report@1';

const MAX_TEXT = 64 * 1024 * 1024;
const MAX_SITES = 10_000;
const MAX_GROUPS = 10_000;
const MAX_FRAMES = 256;
const MAX_NOTES = 100;
const MAX_STRING = 4096;

export function serializeReport(r: AllocationReport): string {
  const { takenAt, ...rest } = r;
  return `${JSON.stringify({ format: REPORT_FORMAT, takenAt: takenAt.toISOString(), ...rest }, null, 2)}\n`;
}

type Obj = Readonly<Record<string, unknown>>;

function fail(field: string, what: string): never {
  throw new Error(`Not a valid allocation report: ${field} ${what}.`);
}

function object(v: unknown, field: string): Obj {
  if (!v || typeof v !== 'object' || Array.isArray(v)) fail(field, 'must be an object');
  return v as Obj;
}

function list(v: unknown, field: string, max = Infinity): readonly unknown[] {
  if (!Array.isArray(v)) fail(field, 'must be a list');
  if (v.length > max) fail(field, `has ${v.length} entries, more than the ${max} a report may have`);
  return v;
}

function text(v: unknown, field: string, { empty = false, max = MAX_STRING } = {}): string {
  if (typeof v !== 'string') fail(field, 'must be a string');
  if (!empty && v.length === 0) fail(field, 'must not be empty');
  if (v.length > max) fail(field, `is longer than ${max} characters`);
  return v;
}

function number(v: unknown, field: string, { min = -Infinity, integer = false } = {}): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(field, `must be a finite number (got ${JSON.stringify(v) ?? String(v)})`);
  if (integer && !Number.isInteger(v)) fail(field, `must be a whole number (got ${v})`);
  if (v < min) fail(field, `must be at least ${min} (got ${v})`);
  return v;
}

function bool(v: unknown, field: string): boolean {
  if (typeof v !== 'boolean') fail(field, 'must be true or false');
  return v;
}

/** Copies the optional fields that are present, each through its check; absent stays absent (not `undefined`). */
function optional<T extends object>(o: Obj, field: string, checks: { readonly [K in keyof T]?: (v: unknown, field: string) => T[K] }): Partial<T> {
  const out: Partial<T> = {};
  for (const key of Object.keys(checks) as (keyof T & string)[]) {
    if (o[key] === undefined || o[key] === null) continue;
    out[key] = checks[key]!(o[key], field ? `${field}.${key}` : key);
  }
  return out;
}

const count = (v: unknown, f: string) => number(v, f, { min: 0, integer: true });
const size = (v: unknown, f: string) => number(v, f, { min: 0 });
const signed = (v: unknown, f: string) => number(v, f);
const signedCount = (v: unknown, f: string) => number(v, f, { integer: true });
const lineNo = (v: unknown, f: string) => number(v, f, { min: 0, integer: true }); // tracemalloc says 0 when it cannot tell
const name = (v: unknown, f: string) => text(v, f);

function frame(v: unknown, field: string): StackFrame {
  const o = object(v, field);
  return {
    file: text(o.file, `${field}.file`), line: lineNo(o.line, `${field}.line`),
    ...optional<StackFrame>(o, field, { column: lineNo, functionName: name, library: bool }),
  };
}

function site(v: unknown, field: string): AllocationSite {
  const o = object(v, field);
  return {
    file: text(o.file, `${field}.file`), line: lineNo(o.line, `${field}.line`),
    bytes: size(o.bytes, `${field}.bytes`), count: count(o.count, `${field}.count`),
    ...optional<AllocationSite>(o, field, {
      column: lineNo, functionName: name, growthBytes: signed, growthCount: signedCount, library: bool,
      code: (c, f) => text(c, f, { empty: true }),
      traceback: (t, f) => list(t, f, MAX_FRAMES).map((x, i) => frame(x, `${f}[${i}]`)),
    }),
  };
}

function group(v: unknown, field: string): AllocationGroup {
  const o = object(v, field);
  return {
    name: text(o.name, `${field}.name`), count: count(o.count, `${field}.count`), selfBytes: size(o.selfBytes, `${field}.selfBytes`),
    ...optional<AllocationGroup>(o, field, { retainedBytes: size, growthBytes: signed, growthCount: signedCount }),
  };
}

function method(v: unknown, field: string): CaptureMethod {
  const o = object(v, field);
  const measure = o.measure;
  if (measure !== 'growth' && measure !== 'size') fail(`${field}.measure`, 'must be "growth" or "size"');
  return {
    description: text(o.description, `${field}.description`), measure,
    ...optional<CaptureMethod>(o, field, {
      windowSeconds: size,
      notes: (n, f) => list(n, f, MAX_NOTES).map((x, i) => text(x, `${f}[${i}]`, { empty: true })),
    }),
  };
}

function pod(v: unknown, field: string): PodRef {
  const o = object(v, field);
  return { context: text(o.context, `${field}.context`, { empty: true }), namespace: text(o.namespace, `${field}.namespace`), name: text(o.name, `${field}.name`) };
}

function takenAt(v: unknown): Date {
  const at = text(v, 'takenAt');
  const date = new Date(at);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(at) || Number.isNaN(date.getTime())) fail('takenAt', `must be an ISO date and time (got ${JSON.stringify(at)})`);
  return date;
}

/** The report in a saved file; throws an Error naming the first bad field. */
export function parseReport(json: string): AllocationReport {
  if (json.length > MAX_TEXT) throw new Error(`Not a valid allocation report: the file is larger than ${MAX_TEXT / 1024 / 1024} MiB.`);
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (e) {
    throw new Error(`Not a valid allocation report: the file is not complete JSON (${(e as Error).message}); it may be cut short.`);
  }
  const o = object(raw, 'the file');
  if (o.format !== REPORT_FORMAT) fail('format', `must be "${REPORT_FORMAT}" (got ${JSON.stringify(o.format) ?? 'nothing'})`);
  const runtime = o.runtime;
  if (runtime !== 'python' && runtime !== 'node' && runtime !== 'go') fail('runtime', 'must be "python", "node" or "go"');
  // More sites than a view can use are cut, and the report says so (a producer keeps 2000).
  const allSites = list(o.sites, 'sites');
  const sites = allSites.slice(0, MAX_SITES).map((s, i) => site(s, `sites[${i}]`));
  const read = method(o.method, 'method');
  const cut = allSites.length - sites.length;
  return {
    ...optional<AllocationReport>(o, '', {
      pod, container: name, pid: count, sourceFile: name,
    }),
    runtime, takenAt: takenAt(o.takenAt), totalBytes: size(o.totalBytes, 'totalBytes'),
    ...optional<AllocationReport>(o, '', { totalCount: count, growthBytes: signed }),
    sites,
    ...optional<AllocationReport>(o, '', {
      groups: (g, f) => list(g, f, MAX_GROUPS).map((x, i) => group(x, `${f}[${i}]`)),
    }),
    method: cut > 0 ? { ...read, notes: [...(read.notes ?? []), `${cut} sites beyond the first ${MAX_SITES} were left out when the file was read`] } : read,
  };
}
