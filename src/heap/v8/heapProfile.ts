// A V8 sampling heap profile (.heapprofile, HeapProfiler.stopSampling's result): a tree of call
// frames, each with the bytes sampled as allocated there and still alive, plus the samples. Read
// into sites (one per allocating frame, with the stack above it); lines and columns are 0-based in
// V8, shown 1-based. The tree is walked without recursion, with a depth bound, and a node id seen
// twice (a tree that loops, by hand or by corruption) is refused.
import type { AllocationReport, AllocationSite, StackFrame } from '../../triage/model.ts';
import { HeapFileError } from './heapFileError.ts';

const MAX_DEPTH = 10_000;
const MAX_NODES = 5_000_000;
const MAX_FRAMES = 64;
const MAX_SITES = 2000;

export interface ProfileOptions {
  readonly source: string;
  readonly takenAt: Date;
  /** The capture's window and interval, when it was live (the file itself does not say). */
  readonly windowSeconds?: number;
  readonly samplingIntervalBytes?: number;
}

type Obj = Record<string, unknown>;

function bad(what: string): never {
  throw new HeapFileError(`Not a readable V8 heap profile: ${what}.`);
}

function object(v: unknown, what: string): Obj {
  if (!v || typeof v !== 'object' || Array.isArray(v)) bad(`${what} is not an object`);
  return v as Obj;
}

function int(v: unknown, what: string, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) bad(`${what} is not a whole number of at least ${min} (got ${JSON.stringify(v)})`);
  return v;
}

function text(v: unknown, what: string): string {
  if (typeof v !== 'string') bad(`${what} is not a string`);
  return v;
}

export const isLibraryScript = (url: string): boolean => !url || url.startsWith('node:') || url.includes('/node_modules/');

function frameOf(node: Obj, where: string): StackFrame {
  const f = object(node.callFrame, `${where}.callFrame`);
  const file = text(f.url, `${where}.callFrame.url`);
  const line = int(f.lineNumber, `${where}.callFrame.lineNumber`, -1) + 1;
  const column = int(f.columnNumber, `${where}.callFrame.columnNumber`, -1) + 1;
  const name = text(f.functionName, `${where}.callFrame.functionName`);
  return { file, line, column, ...(name ? { functionName: name } : {}), library: isLibraryScript(file) };
}

/** The profile as a parsed JSON value (the live capture has it so) or as the file's text. */
export function readHeapProfile(input: string | unknown, options: ProfileOptions): AllocationReport {
  let raw = input;
  if (typeof input === 'string') {
    try {
      raw = JSON.parse(input);
    } catch (e) {
      bad(`the file is not complete JSON (${(e as Error).message}); it may be cut short`);
    }
  }
  const profile = object(raw, 'the file');
  const head = object(profile.head, 'head');
  const sampleCounts = new Map<number, number>();
  if (profile.samples !== undefined) {
    if (!Array.isArray(profile.samples)) bad('samples is not a list');
    for (const [i, s] of (profile.samples as unknown[]).entries()) {
      const id = int(object(s, `samples[${i}]`).nodeId, `samples[${i}].nodeId`, 0);
      sampleCounts.set(id, (sampleCounts.get(id) ?? 0) + 1);
    }
  }
  const seen = new Set<number>();
  const sites = new Map<string, AllocationSite & { bytes: number; count: number }>();
  let total = 0;
  // each stack entry: a node, its frame and its parent's entry (the stack above it)
  type Entry = { readonly node: Obj; readonly frame: StackFrame; readonly parent: Entry | undefined; readonly depth: number; readonly where: string };
  const stack: Entry[] = [{ node: head, frame: frameOf(head, 'head'), parent: undefined, depth: 0, where: 'head' }];
  while (stack.length) {
    const e = stack.pop()!;
    const id = int(e.node.id, `${e.where}.id`, 0);
    if (seen.has(id)) bad(`node id ${id} appears twice in the tree (a cycle or a corrupt file)`);
    if (seen.size >= MAX_NODES) bad(`the tree has more than ${MAX_NODES} nodes`);
    seen.add(id);
    const selfSize = int(e.node.selfSize, `${e.where}.selfSize`, 0);
    if (selfSize > 0) {
      total += selfSize;
      const f = e.frame;
      const key = `${f.file}\0${f.line}\0${f.column}\0${f.functionName ?? ''}`;
      let site = sites.get(key);
      if (!site) {
        const traceback: StackFrame[] = [];
        for (let p: Entry | undefined = e; p && p.parent && traceback.length < MAX_FRAMES; p = p.parent) traceback.push(p.frame);
        site = { file: f.file, line: f.line, column: f.column ?? 0, ...(f.functionName ? { functionName: f.functionName } : {}), bytes: 0, count: 0, traceback, library: !!f.library };
        sites.set(key, site);
      }
      site.bytes += selfSize;
      site.count += sampleCounts.get(id) ?? 0;
    }
    const children = e.node.children ?? [];
    if (!Array.isArray(children)) bad(`${e.where}.children is not a list`);
    if (children.length && e.depth + 1 > MAX_DEPTH) bad(`the tree is deeper than ${MAX_DEPTH} frames`);
    for (let i = children.length - 1; i >= 0; i--) {
      const where = `node ${id}'s child ${i}`;
      const child = object(children[i], where);
      stack.push({ node: child, frame: frameOf(child, where), parent: e, depth: e.depth + 1, where });
    }
  }
  const rows = [...sites.values()].sort((a, b) => b.bytes - a.bytes).slice(0, MAX_SITES);
  const notes = [`${seen.size.toLocaleString('en-US')} call-tree nodes, ${sites.size.toLocaleString('en-US')} allocating frames; bytes are sampled allocations still alive when the profile was taken.`];
  if (options.samplingIntervalBytes) notes.push(`Sampling interval ${options.samplingIntervalBytes} bytes.`);
  if (sites.size > rows.length) notes.push(`${sites.size - rows.length} smaller sites left out.`);
  return {
    sourceFile: options.source,
    runtime: 'node',
    takenAt: options.takenAt,
    totalBytes: total,
    sites: rows,
    method: {
      description: `V8 sampling heap profile ${options.source}`,
      measure: 'size',
      ...(options.windowSeconds !== undefined ? { windowSeconds: options.windowSeconds } : {}),
      notes,
    },
  };
}
