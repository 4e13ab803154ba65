// The reaper's watchdog (see reaper.ts), a process of its own: it reads "+<pgid>" / "-<pgid>"
// (process groups to kill) and "d<path>" (directories to remove) from stdin, and when stdin closes
// (the emulator exited, however it died) kills those groups and removes those directories.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';

const groups = new Set<number>();
const dirs = new Set<string>();
const cgroups = new Set<string>();
const links = new Set<string>();
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
    else if (line[0] === 'c') cgroups.add(line.slice(1));
    else if (line[0] === 'l') links.add(line.slice(1));
  }
});
process.stdin.on('close', () => {
  for (const g of groups) {
    try { process.kill(-g, 'SIGKILL'); } catch { /* already gone */ }
  }
  for (const link of links) spawnSync('ip', ['link', 'del', link], { stdio: 'ignore', timeout: 5000 });
  // A cgroup can be removed only once the kernel has finished its processes' exit.
  for (let i = 0; i < 50 && [...cgroups].some((c) => existsSync(c)); i++) {
    for (const c of cgroups) removeTree(c);
    if ([...cgroups].some((c) => existsSync(c))) spawnSync('sleep', ['0.1']);
  }
  // A killed process may still hold files open for a moment; rmSync retries on EBUSY/ENOTEMPTY.
  for (const dir of dirs) {
    try { rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }); } catch { /* best effort */ }
  }
  process.exit(0);
});

function removeTree(dir: string): void {
  if (!existsSync(dir)) return;
  try {
    for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) removeTree(join(dir, e.name));
    rmdirSync(dir);
  } catch { /* busy: retried */ }
}
