// The worker thread that reads a .heapsnapshot: the file streams through the tokenizer in 1 MiB
// chunks, then the summary is computed; progress and the result go back as messages. Cancel is
// the host terminating this thread, which frees every array at once.
import { createReadStream, statSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { HeapFileError } from './heapFileError.ts';
import { summarize } from './snapshotSummary.ts';
import { SnapshotTokenizer } from './snapshotTokenizer.ts';
import type { SnapshotJob, SnapshotMessage } from './snapshotProtocol.ts';

const PROGRESS_BYTES = 16 * 1024 * 1024;

function post(m: SnapshotMessage): void {
  parentPort!.postMessage(m);
}

async function run(job: SnapshotJob): Promise<void> {
  const stat = statSync(job.path);
  const tokenizer = new SnapshotTokenizer(stat.size);
  let done = 0;
  let told = 0;
  for await (const chunk of createReadStream(job.path, { highWaterMark: 1 << 20 })) {
    tokenizer.push(chunk as Buffer);
    done += (chunk as Buffer).length;
    if (done - told >= PROGRESS_BYTES) {
      told = done;
      post({ type: 'progress', phase: 'read', done, total: stat.size });
    }
  }
  const graph = tokenizer.end();
  post({ type: 'progress', phase: 'analyse', done: stat.size, total: stat.size });
  const summary = summarize(graph, { source: job.source, takenAt: stat.mtime, ...(job.newerThanId !== undefined ? { newerThanId: job.newerThanId } : {}) });
  post({ type: 'done', summary });
}

run(workerData as SnapshotJob).catch((err: unknown) => {
  const known = err instanceof HeapFileError;
  const io = (err as NodeJS.ErrnoException)?.code !== undefined;
  post({ type: 'error', message: err instanceof Error ? err.message : String(err), known: known || io });
});
