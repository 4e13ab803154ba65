// Reads a V8 .heapsnapshot in a worker thread and resolves to its summary (an AllocationReport by
// constructor and by allocation location). For helper code and the live Node capture alike:
// readHeapSnapshot(path, { onProgress, signal, newerThanId }).
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { HeapFileError } from './heapFileError.ts';
import type { SnapshotJob, SnapshotMessage, SnapshotProgress } from './snapshotProtocol.ts';
import type { SnapshotSummary } from './snapshotSummary.ts';

export type { SnapshotProgress, SnapshotSummary };

/**
 * The worker's own V8 heap: the graph and strings live in typed arrays outside it, so what is
 * left (names, sites, allocation-tracking lists) stays small; beyond this the worker is ended
 * with ERR_WORKER_OUT_OF_MEMORY rather than growing the extension host.
 */
const LIMITS = { maxOldGenerationSizeMb: 1024, maxYoungGenerationSizeMb: 4 };

export interface ReadSnapshotOptions {
  readonly onProgress?: (p: SnapshotProgress) => void;
  /** Aborting ends the worker at once (its memory goes with it) and rejects with an AbortError. */
  readonly signal?: AbortSignal;
  /** A first snapshot's maxNodeId: objects above it are reported as growth. */
  readonly newerThanId?: number;
  /** Said in the report instead of the file name. */
  readonly source?: string;
}

/** The bundled worker beside dist/extension.js, or the TypeScript source when run from src (tests, bench). */
function workerFile(): string | URL {
  if (typeof __dirname === 'string' && existsSync(join(__dirname, 'snapshotWorker.js'))) return join(__dirname, 'snapshotWorker.js');
  return new URL('./snapshotWorker.ts', import.meta.url);
}

export function readHeapSnapshot(path: string, options: ReadSnapshotOptions = {}): Promise<SnapshotSummary> {
  const { signal } = options;
  if (signal?.aborted) return Promise.reject(signal.reason);
  const job: SnapshotJob = { path, source: options.source ?? basename(path), ...(options.newerThanId !== undefined ? { newerThanId: options.newerThanId } : {}) };
  return new Promise((resolve, reject) => {
    // no execArgv: the host's flags (--input-type, --inspect...) are not the worker's
    const worker = new Worker(workerFile(), { workerData: job, execArgv: [], stdout: true, stderr: true, resourceLimits: LIMITS });
    let settled = false;
    const end = (f: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', abort);
      void worker.terminate();
      f();
    };
    const abort = () => end(() => reject(signal!.reason ?? new DOMException('The heap snapshot read was cancelled.', 'AbortError')));
    signal?.addEventListener('abort', abort, { once: true });
    worker.on('message', (m: SnapshotMessage) => {
      if (m.type === 'progress') options.onProgress?.(m);
      else if (m.type === 'done') end(() => resolve({ ...m.summary }));
      else end(() => reject(m.known ? new HeapFileError(m.message) : new Error(`The heap snapshot reader failed: ${m.message}`)));
    });
    worker.on('error', (err) => end(() => reject(new Error(`The heap snapshot reader failed: ${err.message}`))));
    worker.on('exit', (code) => end(() => reject(new Error(`The heap snapshot reader stopped (exit code ${code}) before it finished.`))));
  });
}
