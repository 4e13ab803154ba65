// The reaper's watchdog (see reaper.ts), a process of its own: it reads "+<pgid>" / "-<pgid>"
// (process groups to kill) and "d<path>" (directories to remove) from stdin, and when stdin closes
// (the emulator exited, however it died) kills those groups and removes those directories.
import { rmSync } from 'node:fs';

const groups = new Set<number>();
const dirs = new Set<string>();
let buf = '';
// Only the pipe closing ends it: a Ctrl-C sent to the terminal's process group must not.
for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, () => {});
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d: string) => {
  buf += d;
  for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
    const line = buf.slice(0, i);
    buf = buf.slice(i + 1);
    if (line[0] === '+') groups.add(Number(line.slice(1)));
    else if (line[0] === '-') groups.delete(Number(line.slice(1)));
    else if (line[0] === 'd') dirs.add(line.slice(1));
  }
});
process.stdin.on('close', () => {
  for (const g of groups) {
    try { process.kill(-g, 'SIGKILL'); } catch { /* already gone */ }
  }
  // A killed process may still hold files open for a moment; rmSync retries on EBUSY/ENOTEMPTY.
  for (const dir of dirs) {
    try { rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }); } catch { /* best effort */ }
  }
  process.exit(0);
});
