// Runbook step 4, measured for real: the connection pools inside the live process (the pool
// script, run there through step 3's way in) and the pod's sockets on the wire (/proc/net/tcp and
// tcp6, read through exec without touching the process), checked `windowSeconds` apart so a pool
// that only grows is told from a busy one. Either part may fail on its own (no Python, no gdb or
// ptrace, an engine path that does not exist; no `head` in the image): the other still reports,
// and the check's `problems` say which measurement could not be made and why.
import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { KubeConfig } from '@kubernetes/client-node';
import { ExecError, execInPod, type ExecResult, type ExecTarget } from '../cluster/podExec.ts';
import type { PodRef, PoolCheck, PoolReport } from '../triage/model.ts';
import { POOL_PROBLEM, poolVerdict, SOCKETS_PROBLEM } from '../triage/poolVerdict.ts';
import { describeSkips, socketTable, unnamedDatabasePorts, type SocketSkips } from '../triage/socketTable.ts';
import { CaptureError } from './captureError.ts';
import { candidates, describeProcess, isNode, isPython, type ContainerProcess } from './processList.ts';
import { runInProcess } from './python/inject.ts';
import { poolProgram, readPoolResult } from './python/poolScript.ts';
import { openWayIn, type WayIn } from './wayIn.ts';

export interface DbCheckOptions {
  /** "module:attr" paths of the service's engines (memoryTriage.python.engines). */
  readonly engines: readonly string[];
  /** Database ports to name (a setting; DEFAULT_DB_PORTS): {5432: 'PostgreSQL', ...}. */
  readonly dbPorts: Readonly<Record<number, string>>;
  /** Seconds between two checks. */
  readonly windowSeconds: number;
  readonly debugImage: string;
  /** How many checks, `windowSeconds` apart (default 2; 1 for a single look). */
  readonly checks?: number;
  readonly signal?: AbortSignal;
  /** What happens now, and during the window the seconds left. */
  readonly onProgress?: (message: string, secondsLeft?: number) => void;
}

/** At most this many checks are kept in a report (a long series of Check Again). */
const MAX_CHECKS = 12;
/** /proc/net/tcp{,6} read at most this far each (about 150 bytes a socket). */
const TABLE_BYTES = 4 * 1024 * 1024;

/** What one run of checks works with: the way into the process (if it could be opened) and the Python process. */
interface Session {
  readonly target: ExecTarget;
  way?: WayIn;
  proc?: ContainerProcess;
  /** Why the pool cannot be read at all (no way in, no Python process), for every check. */
  poolProblem?: string;
  python?: string;
  sqlalchemy?: string;
  socketsFrom?: string;
  skips?: SocketSkips;
}

const sentence = (err: unknown): string => {
  if (err instanceof CaptureError) return `${err.message}${err.hint ? ` ${err.hint}` : ''}`;
  return err instanceof Error ? err.message : String(err);
};

function rethrowCancel(err: unknown, signal?: AbortSignal): void {
  if (signal?.aborted || (err instanceof CaptureError && err.kind === 'cancelled') || (err instanceof ExecError && err.kind === 'cancelled')) {
    throw new CaptureError('cancelled', 'Cancelled.');
  }
}

async function openSession(kc: KubeConfig, target: ExecTarget, opts: DbCheckOptions): Promise<Session> {
  const s: Session = { target };
  try {
    s.way = await openWayIn(kc, target, { debugImage: opts.debugImage, signal: opts.signal, onStep: (m) => opts.onProgress?.(m) });
  } catch (err) {
    rethrowCancel(err, opts.signal);
    s.poolProblem = `${POOL_PROBLEM}: ${sentence(err)}`;
    return s;
  }
  const found = candidates(s.way.processes, isPython);
  s.proc = found[0];
  if (!s.proc) {
    const seen = s.way.processes.map(describeProcess).join('; ') || 'none could be read';
    const node = s.way.processes.some(isNode) ? ' Pools are read in Python processes only for now (this container runs Node).' : '';
    s.poolProblem = `${POOL_PROBLEM}: no Python process runs in the container ${target.container} (its processes: ${seen}).${node}`;
  }
  return s;
}

/**
 * `head` over the socket tables; undefined when the image has no head. An answer without a table
 * (seen once under load: exit 0, nothing printed) is asked again once before it counts as a failure.
 */
async function readTables(run: (argv: string[]) => Promise<ExecResult>, paths: string[]): Promise<string | undefined> {
  let out: ExecResult | undefined;
  for (let attempt = 0; attempt < 2; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, 500));
    try {
      out = await run(['head', '-c', String(TABLE_BYTES), ...paths]);
    } catch (err) {
      if (err instanceof ExecError && err.kind === 'not-found') return undefined;
      throw err;
    }
    // tcp6 is missing where IPv6 is off: head then exits 1 with tcp's table on stdout.
    if (/\blocal_address\b/.test(out.stdout)) return out.stdout;
  }
  throw new Error(`head ${paths.join(' ')} printed no socket table (exit ${out!.exitCode}: ${out!.stderr.trim().slice(0, 200) || 'no output'})`);
}

async function readSockets(kc: KubeConfig, s: Session, opts: DbCheckOptions): Promise<Pick<PoolCheck, 'sockets' | 'problems'>> {
  try {
    // The app container shares the pod's network namespace: its /proc/net is the pod's.
    const inApp = (argv: string[]) => execInPod(kc, s.target, argv, { signal: opts.signal, timeoutMs: 20_000, maxBytes: 3 * TABLE_BYTES });
    let text = await readTables(inApp, ['/proc/net/tcp', '/proc/net/tcp6']);
    let from = `exec in ${s.target.container}`;
    if (text === undefined && s.way?.debugContainer) {
      const base = s.proc ? `/proc/${s.proc.pid}/net` : '/proc/net';
      text = await readTables((argv) => s.way!.run(argv, { maxBytes: 3 * TABLE_BYTES }), [`${base}/tcp`, `${base}/tcp6`]);
      from = `the debug container ${s.way.container}`;
    }
    if (text === undefined) {
      return { sockets: [], problems: [`${SOCKETS_PROBLEM}: the image of ${s.target.container} has no head to read /proc/net/tcp${s.poolProblem ? ', and no debug container could be used' : ''}.`] };
    }
    const table = socketTable(text, { dbPorts: opts.dbPorts });
    s.socketsFrom = from;
    s.skips = table.skipped;
    return { sockets: table.groups, problems: table.skipped.truncated ? [`The socket table was longer than ${TABLE_BYTES} bytes: only its start was read.`] : [] };
  } catch (err) {
    rethrowCancel(err, opts.signal);
    return { sockets: [], problems: [`${SOCKETS_PROBLEM}: ${sentence(err)}`] };
  }
}

async function readPools(kc: KubeConfig, s: Session, opts: DbCheckOptions): Promise<Pick<PoolCheck, 'pools' | 'problems'>> {
  if (s.poolProblem || !s.way || !s.proc) return { pools: [], problems: [s.poolProblem ?? `${POOL_PROBLEM}.`] };
  const token = randomBytes(6).toString('hex');
  const args = { out: `/tmp/kmt-pool-${token}.json`, engines: opts.engines, gcLimit: 2_000_000, maxPools: 50 };
  const program = poolProgram(args);
  opts.onProgress?.(`reading the pools in ${describeProcess(s.proc)} (${s.way.describe()})`);
  try {
    let injection;
    try {
      injection = await runInProcess(s.way, s.proc.pid, program, args.out, { signal: opts.signal });
    } catch (err) {
      // gdb was in the image, but ptrace is not allowed there: the debug container has SYS_PTRACE.
      if (!(err instanceof CaptureError && err.kind === 'ptrace' && !s.way.debugContainer)) throw err;
      opts.onProgress?.('ptrace refused in the app container: using an ephemeral debug container');
      s.way = await openWayIn(kc, s.target, { debugImage: opts.debugImage, forceDebugContainer: true, signal: opts.signal });
      injection = await runInProcess(s.way, s.proc.pid, program, args.out, { signal: opts.signal });
    }
    const result = readPoolResult(injection.result);
    s.python = result.python;
    s.sqlalchemy = result.sqlalchemy;
    return { pools: result.pools, problems: result.problems };
  } catch (err) {
    rethrowCancel(err, opts.signal);
    return { pools: [], problems: [`${POOL_PROBLEM}: ${sentence(err)}`] };
  }
}

async function checkOnce(kc: KubeConfig, s: Session, opts: DbCheckOptions): Promise<PoolCheck> {
  const at = new Date();
  const pools = await readPools(kc, s, opts);
  opts.onProgress?.('reading the pod\'s sockets');
  const sockets = await readSockets(kc, s, opts);
  // A database on a port the user did not configure: its sockets are there, but not counted as a database's.
  const unnamed = unnamedDatabasePorts(pools.pools.map((p) => p.url), opts.dbPorts).map((port) =>
    `A pool connects to port ${port}, which is not among the configured database ports: its sockets are not counted as database connections.`);
  return { at, pools: pools.pools, sockets: sockets.sockets, problems: [...pools.problems, ...unnamed, ...sockets.problems] };
}

async function wait(seconds: number, opts: DbCheckOptions): Promise<void> {
  const until = Date.now() + seconds * 1000;
  try {
    for (let left = until - Date.now(); left > 0; left = until - Date.now()) {
      opts.onProgress?.('waiting for the next check', Math.ceil(left / 1000));
      await delay(Math.min(1000, left), undefined, { signal: opts.signal });
    }
  } catch (err) {
    rethrowCancel(err, opts.signal);
    throw err;
  }
}

function describeMethod(s: Session): string {
  const where = s.proc ? `${describeProcess(s.proc)}${s.python ? `, Python ${s.python}` : ''}${s.sqlalchemy ? `, SQLAlchemy ${s.sqlalchemy}` : ''}` : undefined;
  const pool = s.way && where ? `SQLAlchemy pools read in the live process (${where}) by ${s.way.describe()}` : 'the pools in the process not read';
  const skipped = s.skips ? describeSkips(s.skips) : '';
  const sockets = s.socketsFrom ? `sockets from /proc/net/tcp and tcp6 through ${s.socketsFrom}${skipped ? ` (left out: ${skipped})` : ''}` : 'the sockets not read';
  return `${pool}; ${sockets}`;
}

async function runChecks(kc: KubeConfig, pod: PodRef, container: string, previous: readonly PoolCheck[], count: number, opts: DbCheckOptions): Promise<PoolReport> {
  const s = await openSession(kc, { namespace: pod.namespace, pod: pod.name, container }, opts);
  const checks = [...previous];
  for (let i = 0; i < count; i++) {
    if (i > 0) await wait(Math.max(1, opts.windowSeconds), opts);
    checks.push(await checkOnce(kc, s, opts));
  }
  const kept = checks.slice(-MAX_CHECKS);
  return { pod, container, pid: s.proc?.pid, checks: kept, verdict: poolVerdict(kept), method: describeMethod(s) };
}

/** Checks the pod's pools and sockets `opts.checks` times (default 2), `windowSeconds` apart. Throws only when cancelled. */
export function checkDbConnections(kc: KubeConfig, pod: PodRef, container: string, opts: DbCheckOptions): Promise<PoolReport> {
  return runChecks(kc, pod, container, [], Math.max(1, Math.floor(opts.checks ?? 2)), opts);
}

/** Check Again: one more check (or `opts.checks`) after an earlier report, judged with its checks. */
export function recheckDbConnections(kc: KubeConfig, previous: PoolReport, opts: DbCheckOptions): Promise<PoolReport> {
  return runChecks(kc, previous.pod, previous.container, previous.checks, Math.max(1, Math.floor(opts.checks ?? 1)), opts);
}
