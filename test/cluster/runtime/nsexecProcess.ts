// Starts nsexec.py (the runtime's init, see its docstring) and reads its status pipe (fd 3):
// `pid <host pid>` once the container process exists, `error <message>` if it failed before
// execve, end of file once it ran execve (or died).
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('./nsexec.py', import.meta.url));
// Debian's interpreter on purpose: nothing of a user's pyenv, and always present on these machines.
export const hostPython = '/usr/bin/python3';

export interface Started {
  child: ChildProcess;
  /** Host PID of the container process (PID 1 of its namespace for an app container). */
  pid: number;
}

export class StartError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number) {
    super(message);
    this.exitCode = exitCode;
  }
}

/**
 * Spawns nsexec in `mode`; resolves once the command was exec'd (status pipe closed without an
 * error), rejects with StartError for a failure before execve. `waitForExec: false` resolves at
 * the pid line already (forward mode reports "connected" instead).
 */
export function startNsexec(mode: 'pause' | 'run' | 'exec', spec: object, stdio: StdioOptions): Promise<Started> {
  const io = [...(stdio as unknown[]).slice(0, 3), 'pipe'] as StdioOptions;
  const child = spawn(hostPython, [script, mode, JSON.stringify(spec)], { detached: true, stdio: io });
  child.on('error', () => {}); // reported through the promise below
  return new Promise((resolve, reject) => {
    const status = child.stdio[3] as NodeJS.ReadableStream;
    let text = '';
    let settled = false;
    const settle = (err?: Error) => {
      if (settled) return;
      settled = true;
      const pid = Number(/^pid (\d+)$/m.exec(text)?.[1]);
      if (err) return reject(err);
      const error = /^error (.*)$/m.exec(text)?.[1];
      if (error) return reject(new StartError(error, 128));
      if (!pid) return reject(new StartError(`the container process did not start (${mode})`, 128));
      resolve({ child, pid });
    };
    status.setEncoding('utf8');
    status.on('data', (d: string) => {
      text += d;
      // The sandbox stays alive with the pipe closed on its side; its pid line is all there is.
      if (mode === 'pause' && /^pid \d+$/m.test(text)) settle();
    });
    status.on('end', () => settle());
    status.on('error', () => settle());
    child.once('error', (err) => settle(err));
  });
}

/** Waits for a child's exit: its code, or 128 + signal number as a shell reports it. */
export function exitOf(child: ChildProcess): Promise<{ code: number; signal?: NodeJS.Signals }> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      return resolve({ code: child.exitCode ?? 128 + signalNumber(child.signalCode!), signal: child.signalCode ?? undefined });
    }
    child.once('exit', (code, signal) => resolve({ code: code ?? 128 + signalNumber(signal!), signal: signal ?? undefined }));
  });
}

function signalNumber(sig: NodeJS.Signals): number {
  return constants.signals[sig] ?? 0;
}
