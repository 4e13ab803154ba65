// Runbook step 3 for Python, done on the live process: find the Python process in the container,
// get in (gdb in the container, or an ephemeral debug container), start tracemalloc there, wait the
// window, take the result, stop tracing again, and make it an AllocationReport. On cancel or an
// error after the start, the capture is aborted in the target so no tracing stays behind.
import { randomBytes } from 'node:crypto';
import type { KubeConfig } from '@kubernetes/client-node';
import type { AllocationReport, PodRef } from '../../triage/model.ts';
import { CaptureError } from '../captureError.ts';
import { chooseProcess } from '../processChoice.ts';
import { describeProcess, isPython, type ContainerProcess } from '../processList.ts';
import { sleep } from '../sleep.ts';
import { openWayIn, type WayIn } from '../wayIn.ts';
import type { CaptureArgs, CaptureMode } from './captureScript.ts';
import { inject, targetGone, type Injection } from './inject.ts';
import { tracemallocReport } from './tracemallocReport.ts';

export interface PythonCaptureOptions {
  readonly frames: number;
  readonly windowSeconds: number;
  readonly debugImage: string;
  readonly signal?: AbortSignal;
  /** Progress for a notification: what happens now, and during the window the seconds left. */
  readonly onProgress?: (message: string, secondsLeft?: number) => void;
  /** Several Python processes (gunicorn workers): which one; undefined takes the biggest. */
  readonly pickProcess?: (choices: readonly ContainerProcess[]) => Promise<ContainerProcess | undefined>;
}


/** Not when gdb never got in, another capture owns the process, or the process is gone. */
function mayHaveStarted(err: unknown): boolean {
  return !(err instanceof CaptureError && ['ptrace', 'not-python', 'no-safe-point', 'busy', 'target-gone', 'forbidden'].includes(err.kind));
}

export async function capturePython(kc: KubeConfig, pod: PodRef, container: string, opts: PythonCaptureOptions): Promise<AllocationReport> {
  try {
    return await capture(kc, pod, container, opts);
  } catch (err) {
    // A cancel reaches the API calls and execs as an AbortError: the caller gets one kind for it.
    if (opts.signal?.aborted && !(err instanceof CaptureError && err.kind === 'cancelled')) throw new CaptureError('cancelled', 'Cancelled.');
    throw err;
  }
}

async function capture(kc: KubeConfig, pod: PodRef, container: string, opts: PythonCaptureOptions): Promise<AllocationReport> {
  const target = { namespace: pod.namespace, pod: pod.name, container };
  const step = (m: string) => opts.onProgress?.(m);
  let way = await openWayIn(kc, target, { debugImage: opts.debugImage, signal: opts.signal, onStep: step });
  const proc = await chooseProcess(way.processes, isPython, 'Python', container, opts.pickProcess);
  const token = randomBytes(6).toString('hex');
  const window = Math.max(5, opts.windowSeconds);
  const args = (mode: CaptureMode): CaptureArgs => ({
    mode, token, out: `/tmp/kmt-${token}.json`, frames: opts.frames,
    sampleSeconds: Math.max(1, window / 6), deadlineSeconds: window * 2 + 120, topSites: 200, topTracebacks: 20,
  });
  step(`starting tracemalloc in ${describeProcess(proc)} (${way.describe()})`);
  // A start that failed after our program may have run (its answer lost, cancelled, timed out) is aborted.
  const startIn = async (w: WayIn): Promise<Injection> => {
    try {
      return await inject(w, proc.pid, args('start'), opts.signal);
    } catch (err) {
      if (mayHaveStarted(err)) await inject(w, proc.pid, args('abort')).catch(() => {});
      throw err;
    }
  };
  let start: Injection;
  try {
    start = await startIn(way);
  } catch (err) {
    // gdb was in the image, but ptrace is not allowed there: the debug container has SYS_PTRACE.
    if (!(err instanceof CaptureError && err.kind === 'ptrace' && !way.debugContainer)) throw err;
    step('ptrace refused in the app container: using an ephemeral debug container');
    way = await openWayIn(kc, target, { debugImage: opts.debugImage, forceDebugContainer: true, signal: opts.signal, onStep: step });
    start = await startIn(way);
  }
  try {
    const until = Date.now() + window * 1000;
    for (let tick = 1; Date.now() < until; tick++) {
      opts.onProgress?.('measuring what grows', Math.ceil((until - Date.now()) / 1000));
      await sleep(Math.min(1000, until - Date.now()), opts.signal);
      // A target OOM-killed in the window (tracing costs memory) ends the capture then, not at its end.
      const why = tick % 5 === 0 ? await way.gone().catch(() => undefined) : undefined;
      if (why) throw targetGone(why);
    }
    step('taking the result');
    const stop = await inject(way, proc.pid, args('stop'), opts.signal);
    return tracemallocReport(stop.result, {
      pod, container, pid: proc.pid, wayIn: way.describe(), python: String(start.result.python ?? ''),
      pauses: [start, stop].map((i) => ({ stoppedMs: i.stoppedMs, callMs: i.callMs })),
    });
  } catch (err) {
    // Leave nothing behind: tracing off and the sampler gone (it also stops itself at its deadline).
    if (!(err instanceof CaptureError && err.kind === 'target-gone')) await inject(way, proc.pid, args('abort')).catch(() => {});
    throw err;
  }
}
