// Open Heap File: which reader a file goes to, by its content first (a file may be misnamed or
// renamed) and its name second, and the one call that reads it into an AllocationReport.
import { open, readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { AllocationReport } from '../triage/model.ts';
import { PprofError } from './go/pprofProfile.ts';
import { readPprof } from './go/pprofReport.ts';
import { parseReport, REPORT_FORMAT } from './reportFile.ts';
import { readHeapProfile } from './v8/heapProfile.ts';
import { HeapFileError } from './v8/heapFileError.ts';
import { readHeapSnapshot, type SnapshotProgress } from './v8/readSnapshot.ts';

export type HeapFileKind = 'heapsnapshot' | 'heapprofile' | 'pprof' | 'report';

export interface HeapFileOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: SnapshotProgress) => void;
}

export type HeapFileReader = (path: string, options: HeapFileOptions) => Promise<AllocationReport>;

/** Whole-file readers (profile, report) hold the text: bounded well below V8's string limit. */
const MAX_TEXT_FILE = 256 * 1024 * 1024;
const SNIFF_BYTES = 4096;

export const HEAP_FILE_EXTENSIONS: Readonly<Record<string, readonly string[]>> = {
  'V8 heap snapshot': ['heapsnapshot'],
  'V8 heap profile': ['heapprofile'],
  'Go pprof': ['pb.gz', 'pprof', 'pb'],
  'Allocation report': ['json'],
};

/** What the first bytes say; undefined when they say nothing sure. */
export function sniff(head: Uint8Array): HeapFileKind | undefined {
  if (head[0] === 0x1f && head[1] === 0x8b) return 'pprof';
  const text = new TextDecoder().decode(head).trimStart();
  if (/^\{\s*"snapshot"\s*:/.test(text)) return 'heapsnapshot';
  if (text.startsWith('{') && text.includes(`"${REPORT_FORMAT}"`)) return 'report';
  if (/^\{\s*"head"\s*:\s*\{/.test(text) && text.includes('"callFrame"')) return 'heapprofile';
  return undefined;
}

export function kindByName(path: string): HeapFileKind | undefined {
  const name = basename(path).toLowerCase();
  if (name.endsWith('.heapsnapshot')) return 'heapsnapshot';
  if (name.endsWith('.heapprofile')) return 'heapprofile';
  if (name.endsWith('.pb.gz') || name.endsWith('.pprof') || name.endsWith('.pb')) return 'pprof';
  if (name.endsWith('.json')) return 'report';
  return undefined;
}

async function text(path: string, size: number): Promise<string> {
  if (size > MAX_TEXT_FILE) throw new HeapFileError(`${basename(path)} is ${Math.round(size / 2 ** 20)} MiB: a profile or report file is at most ${MAX_TEXT_FILE / 2 ** 20} MiB.`);
  return readFile(path, 'utf8');
}

// Go's reader refuses more (pprofProfile.ts); the file is not read whole past it.
const MAX_PPROF_FILE = 64 * 2 ** 20;

export const heapFileReaders: Partial<Record<HeapFileKind, HeapFileReader>> = {
  heapsnapshot: async (path, options) => (await readHeapSnapshot(path, options)).report,
  heapprofile: async (path) => {
    const info = await stat(path);
    return readHeapProfile(await text(path, info.size), { source: basename(path), takenAt: info.mtime });
  },
  pprof: async (path) => {
    if ((await stat(path)).size > MAX_PPROF_FILE) throw new HeapFileError(`${basename(path)} is more than ${MAX_PPROF_FILE / 2 ** 20} MiB: a Go heap profile is smaller.`);
    try {
      return readPprof(await readFile(path), { sourceFile: path });
    } catch (err) {
      throw err instanceof PprofError ? new HeapFileError(`${basename(path)}: ${err.message}`) : err;
    }
  },
  report: async (path) => {
    const report = parseReport(await text(path, (await stat(path)).size));
    return { ...report, sourceFile: report.sourceFile ?? path };
  },
};

export async function kindOf(path: string): Promise<HeapFileKind> {
  const file = await open(path, 'r').catch((e: NodeJS.ErrnoException) => {
    throw new HeapFileError(`${basename(path)} cannot be read (${e.code ?? e.message}).`);
  });
  try {
    const { buffer, bytesRead } = await file.read(new Uint8Array(SNIFF_BYTES), 0, SNIFF_BYTES, 0);
    const kind = sniff(buffer.subarray(0, bytesRead)) ?? kindByName(path);
    if (!kind) throw new HeapFileError(`${basename(path)} is not a heap file this extension reads (a .heapsnapshot, a .heapprofile, a Go pprof or a saved allocation report).`);
    return kind;
  } finally {
    await file.close();
  }
}

/** Reads any supported heap file into the report the allocations table shows. */
export async function readHeapFile(path: string, options: HeapFileOptions = {}): Promise<AllocationReport> {
  const kind = await kindOf(path);
  const reader = heapFileReaders[kind];
  if (!reader) throw new HeapFileError(`${basename(path)} looks like a ${kind} file, which this version cannot read yet.`);
  return reader(path, options);
}
