import { spawn, type ChildProcess } from 'node:child_process';
import { controllerDirs } from './cgroups.ts';

// Workload processes run in their own process groups (like containers), so a test run or
// `npm run cluster` that dies by SIGKILL or a crash would leave them running: 'exit' handlers
// never fire then. A small watchdog process (watchdog.ts) holds a pipe from us; when the pipe
// closes for any reason (our death included), it kills every group and removes every directory
// it was told about.
const watchdogPath = new URL('./watchdog.ts', import.meta.url).pathname;

export class Reaper {
  private child: ChildProcess | undefined;

  add(pgid: number): void {
    this.send(`+${pgid}\n`);
  }

  remove(pgid: number): void {
    this.send(`-${pgid}\n`);
  }

  /** A directory to remove if we die without dispose() (a temp dir that stop() would remove). */
  removeDir(path: string): void {
    this.send(`d${path}\n`);
  }

  /** A runtime's cgroup tree to remove (bottom-up, once its processes are gone). */
  removeCgroups(version: 'v1' | 'v2', top: string): void {
    for (const dir of controllerDirs(version, top)) this.send(`c${dir}\n`);
  }

  /** A network link (the runtime's pod bridge) to delete. */
  removeLink(name: string): void {
    this.send(`l${name}\n`);
  }

  /** Ends the watchdog without killing anything (the caller stopped the groups itself). */
  dispose(): void {
    this.child?.kill('SIGKILL');
    this.child = undefined;
  }

  private send(line: string): void {
    const child = this.ensure();
    child.stdin?.write(line);
  }

  private ensure(): ChildProcess {
    if (this.child) return this.child;
    const child = spawn(process.execPath, ['--disable-warning=MODULE_TYPELESS_PACKAGE_JSON', watchdogPath], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
    child.on('error', () => {});
    // Neither the process nor its pipe may keep the emulator alive.
    child.unref();
    (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    this.child = child;
    return child;
  }
}
