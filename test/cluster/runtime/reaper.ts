import { spawn, type ChildProcess } from 'node:child_process';

// Workload processes run in their own process groups (like containers), so a test run or
// `npm run cluster` that dies by SIGKILL or a crash would leave them running: 'exit' handlers
// never fire then. A small watchdog process holds a pipe from us; when the pipe closes for any
// reason (our death included), it kills every group it was told about.
const watchdog = `
const groups = new Set();
let buf = '';
for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(s, () => {});
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => {
  buf += d;
  let i;
  while ((i = buf.indexOf('\\n')) >= 0) {
    const line = buf.slice(0, i); buf = buf.slice(i + 1);
    const pgid = Number(line.slice(1));
    if (line[0] === '+') groups.add(pgid); else groups.delete(pgid);
  }
});
process.stdin.on('close', () => {
  for (const g of groups) { try { process.kill(-g, 'SIGKILL'); } catch {} }
  process.exit(0);
});
`;

export class Reaper {
  private child: ChildProcess | undefined;

  add(pgid: number): void {
    this.send(`+${pgid}\n`);
  }

  remove(pgid: number): void {
    this.send(`-${pgid}\n`);
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
    const child = spawn(process.execPath, ['-e', watchdog], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
    child.on('error', () => {});
    // Neither the process nor its pipe may keep the emulator alive.
    child.unref();
    (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    this.child = child;
    return child;
  }
}
