// Child processes that are started in their own process group, so that stopping one also stops
// everything it spawned (code-server's extension host, pty host, file watcher ...).
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createServer } from 'node:net';

export interface Started {
  readonly child: ChildProcess;
  /** stdout + stderr so far, for error messages */
  output(): string;
  /** resolves with the first match of `pattern` in the output; rejects on exit or timeout */
  waitFor(pattern: RegExp, timeoutMs: number, what: string): Promise<RegExpMatchArray>;
  /** SIGTERM to the whole group, SIGKILL after `graceMs`; resolves when the leader has exited */
  stop(graceMs?: number): Promise<void>;
}

// Groups still running. A runner that exits or is interrupted (Ctrl-C, SIGTERM from node --test)
// must not leave them behind: they run detached, so no terminal signal reaches them.
const live = new Set<ChildProcess>();
let cleanupInstalled = false;
function installCleanup(): void {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  process.on('exit', () => {
    for (const c of live) killGroup(c, 'SIGKILL');
  });
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) {
    // A program with its own handler (the demo) stops things itself, gracefully.
    if (process.listenerCount(signal) > 0) continue;
    process.once(signal, () => process.exit(code));
  }
}

export function startGroup(
  command: string,
  args: readonly string[],
  options: SpawnOptions & { echo?: (chunk: string) => void } = {},
): Started {
  const { echo, ...spawnOptions } = options;
  const child = spawn(command, args, { ...spawnOptions, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  let exited = false;
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    const s = chunk.toString();
    text += s;
    if (text.length > 200_000) text = text.slice(-100_000);
    echo?.(s);
    for (const l of listeners) l();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exit = new Promise<void>((resolve) => {
    child.on('exit', () => {
      exited = true;
      for (const l of listeners) l();
      resolve();
    });
    child.on('error', (err) => {
      text += `\n${String(err)}\n`;
      exited = true;
      for (const l of listeners) l();
      resolve();
    });
  });
  live.add(child);
  installCleanup();

  return {
    child,
    output: () => text,
    waitFor(pattern, timeoutMs, what) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = text.match(pattern);
          if (m) return done(() => resolve(m));
          if (exited) {
            return done(() => reject(new Error(`${what}: process exited (code ${child.exitCode}) first.\n${tail(text)}`)));
          }
        };
        const timer = setTimeout(
          () => done(() => reject(new Error(`${what}: not seen within ${timeoutMs / 1000} s.\n${tail(text)}`))),
          timeoutMs,
        );
        const done = (f: () => void) => {
          clearTimeout(timer);
          listeners.delete(check);
          f();
        };
        listeners.add(check);
        check();
      });
    },
    async stop(graceMs = 5000) {
      live.delete(child);
      if (exited) {
        killGroup(child, 'SIGKILL'); // grandchildren that outlived the leader
        return;
      }
      killGroup(child, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
      await exit;
      clearTimeout(timer);
      killGroup(child, 'SIGKILL');
      await groupGone(child);
    },
  };
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // the group is already gone
  }
}

/** Waits (up to 5 s) until no process of the group is left, so callers can check with ps. */
async function groupGone(child: ChildProcess): Promise<void> {
  if (child.pid === undefined) return;
  for (let i = 0; i < 50; i++) {
    try {
      process.kill(-child.pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function tail(text: string, lines = 40): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** A TCP port on 127.0.0.1 that was free a moment ago (for servers that cannot bind port 0). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
