// Runbook step 3 for Node.js, on request: two full heap snapshots of the live process, one at the
// start and one after the window. Each streams chunk by chunk into a file (never held whole: the
// DevTools session reads the next chunk only once the file took this one) and is read by the
// streaming reader in a worker. Objects newer than the first snapshot's highest node id, by
// constructor, are the growth. Where they were allocated comes from a sampling heap profile over the
// same window: V8's allocation tracking (trackAllocations) loses the trace of most objects a
// scavenge moves, which a leak's objects all are (seen here: 0 of ~120 kept strings traced in a
// 512 MiB pod), while the sampling profiler follows its samples through every GC. Files of a failed
// or cancelled capture are removed.
import type { KubeConfig } from '@kubernetes/client-node';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { AllocationReport, PodRef } from '../../triage/model.ts';
import { CaptureError } from '../captureError.ts';
import { readHeapSnapshot } from '../v8/readSnapshot.ts';
import { profileSites, type SamplingProfile } from './samplingProfile.ts';
import type { DevToolsSession } from './devtools.ts';
import { INSPECTOR_PORT, withInspector, type InspectorOptions } from './inspectorSession.ts';

export interface SnapshotCaptureOptions extends InspectorOptions {
  readonly windowSeconds: number;
  readonly samplingIntervalBytes: number;
  /** Where the snapshot files go (the second one stays, named in the report's notes). */
  readonly directory: string;
}

export interface SnapshotCapture {
  readonly report: AllocationReport;
  /** The second snapshot, kept: Open Heap File or DevTools read it again. */
  readonly file: string;
}


/** Rejects with 'cancelled' as soon as the signal fires (the target's own snapshot cannot be stopped; its socket is closed). */
function unlessAborted<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return p;
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(new CaptureError('cancelled', 'Cancelled.'));
    if (signal.aborted) return abort();
    signal.addEventListener('abort', abort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}

/** One snapshot into `file`, with V8's progress (objects serialised of the total) as a percentage. */
export async function streamSnapshot(session: DevToolsSession, file: string, onProgress: (percent: number) => void, signal?: AbortSignal): Promise<number> {
  const out = createWriteStream(file, { flags: 'wx' });
  let failure: Error | undefined;
  let bytes = 0;
  out.on('error', (err) => { failure ??= err; });
  session.on('HeapProfiler.addHeapSnapshotChunk', async (p) => {
    if (failure) return;
    const chunk = String(p.chunk ?? '');
    bytes += chunk.length;
    if (!out.write(chunk)) await Promise.race([once(out, 'drain'), once(out, 'error')]).catch(() => {});
  });
  session.on('HeapProfiler.reportHeapSnapshotProgress', (p) => {
    const done = Number(p.done), total = Number(p.total);
    if (total > 0) onProgress(Math.min(100, Math.floor((done / total) * 100)));
  });
  try {
    await unlessAborted(session.send('HeapProfiler.takeHeapSnapshot', { reportProgress: true }), signal);
  } finally {
    session.off('HeapProfiler.addHeapSnapshotChunk');
    session.off('HeapProfiler.reportHeapSnapshotProgress');
    await new Promise<void>((resolve) => out.end(() => resolve()));
  }
  if (failure) throw new CaptureError('failed', `The heap snapshot could not be written to ${file}: ${failure.message}.`);
  return bytes;
}

export async function captureNodeSnapshots(kc: KubeConfig, pod: PodRef, container: string, opts: SnapshotCaptureOptions): Promise<SnapshotCapture> {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const safe = `${pod.namespace}-${pod.name}-${container}`.replace(/[^\w.-]/g, '_');
  const first = join(opts.directory, `${safe}-${stamp}-start.heapsnapshot`);
  const second = join(opts.directory, `${safe}-${stamp}-end.heapsnapshot`);
  const step = (m: string) => opts.onProgress?.(m);
  let firstRead: Promise<number> | undefined;
  // ends the reader of the first snapshot too when the capture fails, not only when it is cancelled
  const reading = new AbortController();
  const stopReading = () => reading.abort();
  opts.signal?.addEventListener('abort', stopReading, { once: true });
  try {
    const result = await withInspector(kc, pod, container, opts, 'Taking heap snapshots of the live Node.js process', async ({ session, proc, from, window }) => {
      const seconds = Math.max(5, opts.windowSeconds);
      await session.send('HeapProfiler.enable');
      await streamSnapshot(session, first, (pc) => step(`first heap snapshot: ${pc}%`), opts.signal);
      // read while the window runs: only its highest node id is needed
      firstRead = readHeapSnapshot(first, { signal: reading.signal }).then((s) => s.maxNodeId);
      firstRead.catch(() => {});
      await session.send('HeapProfiler.startSampling', { samplingInterval: opts.samplingIntervalBytes });
      await window(seconds, 'sampling allocations');
      const { profile } = await session.send<{ profile: SamplingProfile }>('HeapProfiler.stopSampling');
      const bytes = await streamSnapshot(session, second, (pc) => step(`second heap snapshot: ${pc}%`), opts.signal);
      return { proc, from, seconds, bytes, sites: profileSites(profile).sites };
    });
    const newerThanId = await firstRead!;
    step('reading the second snapshot');
    const { report } = await readHeapSnapshot(second, {
      signal: opts.signal, newerThanId, source: second,
      onProgress: (p) => step(p.phase === 'read' ? `reading the second snapshot: ${Math.floor((p.done / p.total) * 100)}%` : 'analysing the second snapshot'),
    });
    await rm(first, { force: true });
    return {
      file: second,
      report: {
        ...report, pod, container, pid: result.proc.pid, takenAt: new Date(), sites: result.sites,
        method: {
          ...report.method,
          description: `two V8 heap snapshots ${result.seconds} s apart and a sampling heap profile between them, through the inspector on 127.0.0.1:${INSPECTOR_PORT} (port-forward), opened by SIGUSR1 from ${result.from}; objects newer than node id ${newerThanId}`,
          measure: 'growth', windowSeconds: result.seconds,
          notes: [
            `Constructors: objects in the second snapshot newer than the first one's highest node id (${newerThanId}).`,
            `Lines: where the objects still alive at the end were allocated, sampled every ${opts.samplingIntervalBytes} bytes on average (sizes are estimates).`,
            ...(report.method.notes ?? []).filter((n) => !n.startsWith('Sites are')),
            `The second snapshot (${(result.bytes / 2 ** 20).toFixed(1)} MiB) is kept at ${second}.`],
        },
      },
    };
  } catch (err) {
    reading.abort();
    await Promise.all([rm(first, { force: true }), rm(second, { force: true })]);
    if (opts.signal?.aborted) throw new CaptureError('cancelled', 'Cancelled.');
    throw err;
  } finally {
    opts.signal?.removeEventListener('abort', stopReading);
  }
}
