// Running a program in the live process, for every step that needs to (step 3's capture, step
// 4's pools): gdb (through the way in) runs the driver, which runs the program in the target at a
// safe point; the driver's `KMT {json}` lines say what happened and carry the program's result. Every failure becomes a CaptureError that says what to do.
import { ExecError } from '../../cluster/podExec.ts';
import { CaptureError } from '../captureError.ts';
import type { WayIn } from '../wayIn.ts';
import { captureProgram, type CaptureArgs } from './captureScript.ts';
import { bootstrapFor, gdbInvocation } from './gdbDriver.ts';

export interface Injection {
  /** The program's own answer (parsed JSON, not trusted: the caller validates it). */
  readonly result: Record<string, unknown>;
  /** Where it stopped: PyCallable_Check (our pending call), PyErr_CheckSignals, PyEval_RestoreThread. */
  readonly point: string;
  /** How long every thread of the target was stopped by gdb before the safe point, and how long our code ran. */
  readonly stoppedMs: number;
  readonly callMs: number;
  readonly totalMs: number;
}

interface DriverEvent { event: string; [k: string]: unknown }

export function parseDriverOutput(stdout: string): DriverEvent[] {
  const events: DriverEvent[] = [];
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('KMT ')) continue;
    try {
      const e = JSON.parse(line.slice(4));
      if (e && typeof e.event === 'string') events.push(e);
    } catch { /* a line of the target's own? ignore */ }
  }
  return events;
}

const ptraceHint = 'The container needs the SYS_PTRACE capability (securityContext.capabilities.add), or the process made itself non-dumpable; the extension then uses an ephemeral debug container, which has it.';

/** The CaptureError a driver outcome without a result stands for, or undefined when it has one. */
export function failureOf(events: DriverEvent[], stderr: string, pid: number): CaptureError | undefined {
  const attach = events.find((e) => e.event === 'attach-failed');
  if (attach) {
    const message = String(attach.message ?? '');
    if (/Operation not permitted/i.test(message)) return new CaptureError('ptrace', `ptrace of process ${pid} was refused (${message.trim()}).`, ptraceHint);
    if (/No such process/i.test(message)) return new CaptureError('target-gone', `Process ${pid} is gone (it exited or was killed).`);
    return new CaptureError('failed', `gdb could not attach to process ${pid}: ${message.trim()}`);
  }
  const notPython = events.find((e) => e.event === 'not-python');
  if (notPython) {
    return new CaptureError('not-python', `Process ${pid} has no CPython interpreter symbols (missing ${(notPython.missing as string[] | undefined)?.join(', ') ?? '?'}).`, 'Only CPython 3.8 or newer with its exported C API can be traced this way.');
  }
  if (events.some((e) => e.event === 'no-safe-point')) {
    return new CaptureError('no-safe-point', `Process ${pid} ran no Python code in time: no safe point to inject at; nothing was changed in it.`, 'Try again when it serves traffic; a process blocked in C code cannot be traced this way.');
  }
  const noResult = events.find((e) => e.event === 'no-result');
  if (noResult && !events.some((e) => e.event === 'result')) {
    return new CaptureError('failed', `The program ran in process ${pid} but its result file could not be read (${String(noResult.message ?? '').trim()}).`,
      "The program writes its result into the target's /tmp: a read-only root filesystem needs a writable /tmp (an emptyDir volume).");
  }
  if (!events.some((e) => e.event === 'result')) {
    const why = /Python scripting is not supported/.test(stderr) ? 'this gdb was built without Python' : stderr.trim().split('\n').slice(-3).join(' ') || 'no output';
    return new CaptureError('failed', `The injection into process ${pid} gave no result (${why}).`);
  }
  return undefined;
}

/** The target's process ended under the capture (its container restarted, was OOM-killed, our debug container ended). */
export function targetGone(why: string): CaptureError {
  return new CaptureError('target-gone', `The target went away during the capture: ${why}.`,
    'Capture again once it runs; if it is OOM-killed this fast, a shorter window (memoryTriage.capture.windowSeconds) ends before the kill.');
}

/** A program's own refusal ({"ok": false, "error": ...}) as the caller's CaptureError, or undefined for the generic one. */
export type Refusal = (error: string, detail: string, pid: number) => CaptureError | undefined;

/** Step 3's refusals: another capture owns the process, or ours is gone from it. */
const captureRefusal: Refusal = (error, detail, pid) => {
  if (error === 'busy') return new CaptureError('busy', 'Another capture is running in this process (from another window or user).', 'Wait for it to end, then try again.');
  if (error === 'lost') return new CaptureError('target-gone', `The capture's state is gone from process ${pid}: ${detail}`);
  return undefined;
};

/** One call of step 3's capture program (start, stop or abort). */
export function inject(way: WayIn, pid: number, args: CaptureArgs, signal?: AbortSignal): Promise<Injection> {
  return runInProcess(way, pid, captureProgram(args), args.out, { signal, refusal: captureRefusal });
}

/**
 * Runs a program (resultProgram.ts) in the live process `pid` through the way in and reads back
 * its JSON answer from `resultPath` (the target's path; the driver deletes the file). The answer
 * must say {"ok": true}; anything else, and every failure on the way, is a CaptureError.
 */
export async function runInProcess(way: WayIn, pid: number, program: string, resultPath: string,
  opts: { readonly signal?: AbortSignal; readonly refusal?: Refusal } = {}): Promise<Injection> {
  const { signal } = opts;
  const started = Date.now();
  const invocation = gdbInvocation({
    pid, bootstrap: bootstrapFor(program), resultPath: way.targetPath(pid, resultPath), sysroot: way.sysroot(pid),
    pendingCallSeconds: 5, anyThreadSeconds: 10,
  });
  let out;
  try {
    out = await way.run(invocation.argv, { stdin: invocation.stdin, timeoutMs: 90_000, signal, maxBytes: 64 * 1024 * 1024 });
  } catch (err) {
    if (err instanceof ExecError && err.kind === 'cancelled') throw new CaptureError('cancelled', 'Cancelled.');
    if (err instanceof ExecError && (err.kind === 'not-running' || err.kind === 'connection')) {
      // The exec's own error rarely says it (a bare 400 for a container that ended): ask the pod.
      const why = await way.gone().catch(() => undefined);
      if (why || err.kind === 'not-running') throw targetGone(why ?? `the container ${way.container} stopped`);
    }
    throw err;
  }
  const events = parseDriverOutput(out.stdout);
  const failure = failureOf(events, out.stderr, pid);
  if (failure) throw failure;
  const injected = events.find((e) => e.event === 'injected') ?? { event: 'injected' };
  let result: Record<string, unknown>;
  try {
    result = JSON.parse(String(events.find((e) => e.event === 'result')!.data));
  } catch {
    throw new CaptureError('failed', `The program in process ${pid} wrote an unreadable result.`);
  }
  if (result.ok !== true) {
    const error = String(result.error ?? 'error').slice(0, 100);
    const detail = String(result.detail ?? '').slice(0, 500);
    throw opts.refusal?.(error, detail, pid) ?? new CaptureError('failed', `The program in process ${pid} failed: ${error}: ${detail}`);
  }
  return {
    result, point: String(injected.point ?? ''), stoppedMs: Number(injected.stoppedMs ?? 0), callMs: Number(injected.callMs ?? 0),
    totalMs: Date.now() - started,
  };
}
