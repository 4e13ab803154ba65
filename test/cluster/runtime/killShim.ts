// `kill` inside an emulated container. In a pod the workload is PID 1, so on-call habits and
// the extension send `kill -USR1 1`; here the workload has a host PID, and PID 1 is the host's
// init. This maps 1 to the workload and refuses any target outside the container's process
// groups, so nothing run through exec can signal the host's own processes.
// Usage (from bin/kill): node killShim.ts <main.pid file> [-SIG | -s SIG | -n NUM] [--] pid...
import { readFileSync } from 'node:fs';
import { constants } from 'node:os';

const [pidFile, ...args] = process.argv.slice(2);
const main = Number(readFileSync(pidFile, 'utf8').trim());

// One signal option first, as kill takes it; then an optional "--"; the rest are targets.
let sig: string | number = 'SIGTERM';
let i = 0;
if (args[0] === '-s' || args[0] === '-n') { sig = signalOf(args[1]); i = 2; }
else if (args[0] !== undefined && /^-\w+$/.test(args[0])) { sig = signalOf(args[0].slice(1)); i = 1; }
if (args[i] === '--') i++;
const targets = args.slice(i);
if (targets.length === 0) fail('kill: usage: kill [-s sigspec | -n signum | -sigspec] pid ...', 2);

let status = 0;
for (const t of targets) {
  const pid = t === '1' ? main : Number(t);
  if (!Number.isInteger(pid) || !inContainer(Math.abs(pid))) {
    process.stderr.write(`kill: (${t}) - No such process\n`);
    status = 1;
    continue;
  }
  try { process.kill(pid, sig); } catch (err) {
    process.stderr.write(`kill: (${t}) - ${(err as NodeJS.ErrnoException).code === 'ESRCH' ? 'No such process' : (err as Error).message}\n`);
    status = 1;
  }
}
process.exit(status);

function signalOf(spec: string | undefined): string | number {
  if (!spec) fail('kill: option requires an argument', 2);
  if (/^\d+$/.test(spec!)) return Number(spec);
  const name = spec!.toUpperCase().startsWith('SIG') ? spec!.toUpperCase() : `SIG${spec!.toUpperCase()}`;
  if (!(name in constants.signals)) fail(`kill: ${spec}: invalid signal specification`, 1);
  return name;
}

/** A process (or, for a negative target, a process group) belongs to the container's main group. */
function inContainer(pid: number): boolean {
  if (pid === main) return true;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]) === main;
  } catch {
    return false;
  }
}

function fail(message: string, code: number): never {
  process.stderr.write(message + '\n');
  process.exit(code);
}
