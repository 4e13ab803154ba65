// The worker thread that reads a .heapsnapshot: the file goes through the tokenizer 1 MiB at a
// time, then the summary is computed; progress and the result go back as messages. Cancel is
// the host terminating this thread, which frees every array at once.
import { open } from 'node:fs/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { HeapFileError } from './heapFileError.ts';
import { summarize } from './snapshotSummary.ts';
import { SnapshotTokenizer } from './snapshotTokenizer.ts';
import type { SnapshotJob, SnapshotMessage } from './snapshotProtocol.ts';

const PROGRESS_BYTES = 16 * 1024 * 1024;
const CHUNK_BYTES = 1 << 20;

function post(m: SnapshotMessage): void {
  parentPort!.postMessage(m);
}

/** The file through the tokenizer, read into one buffer again and again (the tokenizer copies what it keeps). */
async function tokenise(path: string): Promise<{ tokenizer: SnapshotTokenizer; size: number; mtime: Date }> {
  const file = await open(path, 'r');
  try {
    const { size, mtime } = await file.stat();
    const tokenizer = new SnapshotTokenizer(size);
    const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    let done = 0;
    let told = 0;
    for (let n; (n = (await file.read(chunk, 0, CHUNK_BYTES, null)).bytesRead) > 0; ) {
      tokenizer.push(chunk.subarray(0, n));
      done += n;
      if (done - told >= PROGRESS_BYTES) {
        told = done;
        post({ type: 'progress', phase: 'read', done, total: size });
      }
    }
    return { tokenizer, size, mtime };
  } finally {
    await file.close();
  }
}

async function run(job: SnapshotJob): Promise<void> {
  const { tokenizer, size, mtime } = await tokenise(job.path);
  const graph = tokenizer.end();
  post({ type: 'progress', phase: 'analyse', done: size, total: size });
  const summary = summarize(graph, { source: job.source, takenAt: mtime, ...(job.newerThanId !== undefined ? { newerThanId: job.newerThanId } : {}) });
  post({ type: 'done', summary });
}

run(workerData as SnapshotJob).catch((err: unknown) => {
  const known = err instanceof HeapFileError;
  const io = (err as NodeJS.ErrnoException)?.code !== undefined;
  post({ type: 'error', message: err instanceof Error ? err.message : String(err), known: known || io });
});
