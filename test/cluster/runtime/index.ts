// The process-only fallback runtime, for machines where containers cannot be made (not root, no
// memory cgroups): each container is a host process started from a sample workload, measured from
// /proc and OOM-killed by polling when its working set passes the limit. containers.ts is the real
// runtime; README.md says what this one lacks.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { accessSync, closeSync, constants as fsConstants, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { Socket, connect as netConnect } from 'node:net';
import { constants as osConstants, tmpdir } from 'node:os';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { prepareContainer } from './container.ts';
import { pickFreePorts } from './ports.ts';
import { Reaper } from './reaper.ts';
import { measureGroups, ticksPerSecond } from './procfs.ts';
import type { ContainerLaunch, ExecIO, ProcessExit, ProcessUsage } from './types.ts';
import { workloadSpec } from './workloads.ts';

export type { ContainerLaunch, ExecIO, ProcessExit, ProcessUsage } from './types.ts';

interface Running {
  launch: ContainerLaunch;
  child: ChildProcess;
  pid: number;
  startedAt: Date;
  cwd: string;
  dir: string;
  bin: string;
  env: Record<string, string>;
  /** declared container port -> real loopback port */
  ports: Map<number, number>;
  /** process groups counted as the container: the workload's, and one per running exec */
  groups: Set<number>;
  usage?: ProcessUsage;
  cpu?: { ticks: number; at: number };
  oomKilled: boolean;
  stopping: boolean;
  exited: Promise<void>;
}

// A workload with no declared port still listens somewhere; 8080 is what the samples default to.
const defaultPort = 8080;

export class ProcessRuntime {
  readonly kind = 'processes';
  private readonly pollMs: number;
  private readonly graceMs: number;
  private readonly root = mkdtempSync(join(tmpdir(), 'kmt-runtime-'));
  private readonly running = new Map<string, Running>();
  private readonly portsTaken = new Set<number>();
  private timer: NodeJS.Timeout | undefined;
  private readonly reaper = new Reaper();
  // Children run in their own process groups and would outlive a crashed test run.
  private readonly killOnExit = () => {
    for (const r of this.running.values()) for (const g of r.groups) killGroup(g, 'SIGKILL');
    rmSync(this.root, { recursive: true, force: true });
  };

  constructor(opts: { pollMs?: number; graceMs?: number } = {}) {
    this.pollMs = opts.pollMs ?? 1000;
    this.graceMs = opts.graceMs ?? 5000;
    process.on('exit', this.killOnExit);
    this.reaper.removeDir(this.root);
  }

  /** No sandbox here: pods share the host's network; the kubelet's counter gives the pod an IP. */
  async sandbox(): Promise<{ ip?: string }> {
    return {};
  }

  setHosts(): void {}

  async start(launch: ContainerLaunch, onExit: (exit: ProcessExit) => void): Promise<{ pid: number; startedAt: Date; cwd: string; logFile: string }> {
    return this.startNow(launch, onExit);
  }

  startNow(launch: ContainerLaunch, onExit: (exit: ProcessExit) => void): { pid: number; startedAt: Date; cwd: string; logFile: string } {
    const key = keyOf(launch.podKey, launch.container);
    if (this.running.has(key)) throw new Error(`container "${launch.container}" of ${launch.podKey} is already running`);
    if (!launch.workload) throw new Error(`the process runtime runs only workload folders, not image ${launch.image ?? ''} alone`);
    const spec = workloadSpec(launch.workload, launch.command ? [...launch.command, ...(launch.args ?? [])] : undefined);
    const declared = launch.ports?.length ? launch.ports : [defaultPort];
    const real = pickFreePorts(declared.length, this.portsTaken);
    const fs = prepareContainer(this.root, launch.podKey, launch.container, spec);
    const env: Record<string, string> = {
      ...spec.env, ...launch.env,
      PATH: fs.bin, HOME: fs.cwd, HOSTNAME: launch.env.HOSTNAME ?? launch.podKey.split('/').pop()!, LANG: 'C.UTF-8',
      // The workload must listen where the runtime says: several pods run the same workload.
      PORT: String(real[0]),
    };
    declared.forEach((p, i) => { env[`PORT_${p}`] = String(real[i]); });
    const log = openSync(fs.logFile, 'a');
    let child: ChildProcess;
    try {
      child = spawn(spec.command, spec.args, { cwd: fs.cwd, env, detached: true, stdio: ['ignore', log, log] });
    } finally {
      closeSync(log);
    }
    if (child.pid === undefined) throw new Error(`failed to start ${spec.command} for workload ${launch.workload}`);
    child.on('error', () => {}); // reported through 'exit'
    const pid = child.pid;
    writeFileSync(fs.pidFile, String(pid));
    real.forEach((p) => this.portsTaken.add(p));
    const startedAt = new Date();
    let markExited!: () => void;
    const r: Running = {
      launch, child, pid, startedAt, cwd: fs.cwd, dir: fs.dir, bin: fs.bin, env,
      ports: new Map(declared.map((p, i) => [p, real[i]])), groups: new Set([pid]),
      oomKilled: false, stopping: false, exited: new Promise((res) => { markExited = res; }),
    };
    this.running.set(key, r);
    this.reaper.add(pid);
    child.on('exit', (code, signal) => {
      // When a container's init dies, the kernel kills everything else in its PID namespace.
      for (const g of r.groups) killGroup(g, 'SIGKILL');
      this.reaper.remove(pid);
      this.running.delete(key);
      for (const p of r.ports.values()) this.portsTaken.delete(p);
      markExited();
      if (r.stopping) return; // stop() was asked for; the caller knows
      const exitCode = r.oomKilled ? 137 : code ?? 128 + (osConstants.signals[signal as NodeJS.Signals] ?? 0);
      onExit({ exitCode, signal: r.oomKilled ? 'SIGKILL' : signal ?? undefined, oomKilled: r.oomKilled, startedAt, finishedAt: new Date() });
    });
    this.ensurePolling();
    return { pid, startedAt, cwd: fs.cwd, logFile: fs.logFile };
  }

  usage(podKey: string, container: string): ProcessUsage | undefined {
    const r = this.running.get(keyOf(podKey, container));
    if (r && !r.usage) this.poll();
    return r?.usage;
  }

  exec(podKey: string, container: string, argv: string[], io: ExecIO): Promise<number> {
    const r = this.running.get(keyOf(podKey, container));
    if (!r) return Promise.reject(new Error(`container "${container}" of ${podKey} is not running`));
    const file = argv.length ? resolveExecutable(argv[0], r) : undefined;
    if (!file) return Promise.reject(new Error(`exec: "${argv[0] ?? ''}": executable file not found in $PATH`));
    return new Promise((resolvePromise, reject) => {
      const child = spawn(file, argv.slice(1), { cwd: r.cwd, env: r.env, argv0: argv[0], detached: true, stdio: [io.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
      child.on('error', reject);
      if (child.pid === undefined) return;
      // A real exec runs inside the container's cgroup: its memory counts, and it dies with the container.
      const group = child.pid;
      r.groups.add(group);
      this.reaper.add(group);
      child.stdout!.pipe(io.stdout as NodeJS.WritableStream, { end: false });
      child.stderr!.pipe(io.stderr as NodeJS.WritableStream, { end: false });
      if (io.stdin && child.stdin) {
        child.stdin.on('error', () => {}); // the command may exit without reading its input
        io.stdin.pipe(child.stdin);
      }
      child.on('close', (code, signal) => {
        r.groups.delete(group);
        this.reaper.remove(group);
        resolvePromise(code ?? 128 + (osConstants.signals[signal as NodeJS.Signals] ?? 0));
      });
    });
  }

  signal(podKey: string, container: string, sig: NodeJS.Signals): boolean {
    const r = this.running.get(keyOf(podKey, container));
    if (!r) return false;
    try { process.kill(r.pid, sig); return true; } catch { return false; }
  }

  /** Like a port-forward into the pod's network namespace: any container's declared port will do. */
  connect(podKey: string, container: string | undefined, port: number): Socket {
    const candidates = [...this.running.values()].filter((r) => r.launch.podKey === podKey && (!container || r.launch.container === container));
    const real = candidates.map((r) => r.ports.get(port)).find((p) => p !== undefined);
    if (real !== undefined) return netConnect({ host: '127.0.0.1', port: real });
    const socket = new Socket();
    const err = Object.assign(new Error(`connect ECONNREFUSED: nothing listens on port ${port} in ${podKey}`), { code: 'ECONNREFUSED' });
    process.nextTick(() => socket.destroy(err));
    return socket;
  }

  /** A tcpSocket probe: the workload's real loopback port. */
  probe(podKey: string, port: number): Promise<boolean> {
    return new Promise((resolvePromise) => {
      const s = this.connect(podKey, undefined, port);
      const done = (ok: boolean) => { s.destroy(); resolvePromise(ok); };
      s.once('connect', () => done(true));
      s.once('error', () => done(false));
      s.setTimeout(1000, () => done(false));
    });
  }

  /** SIGTERM, then SIGKILL after the grace period. onExit is not called for a container stopped here. */
  async stop(podKey: string): Promise<void> {
    const pods = [...this.running.values()].filter((r) => r.launch.podKey === podKey);
    await Promise.all(pods.map((r) => this.stopOne(r)));
    for (const r of pods) rmSync(r.dir, { recursive: true, force: true });
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.running.values()].map((r) => this.stopOne(r)));
    clearInterval(this.timer);
    this.timer = undefined;
    process.off('exit', this.killOnExit);
    this.reaper.dispose();
    rmSync(this.root, { recursive: true, force: true });
  }

  private async stopOne(r: Running): Promise<void> {
    r.stopping = true;
    for (const g of r.groups) killGroup(g, 'SIGTERM');
    const timer = setTimeout(() => { for (const g of r.groups) killGroup(g, 'SIGKILL'); }, this.graceMs);
    await r.exited;
    clearTimeout(timer);
  }

  private ensurePolling(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.poll(), this.pollMs);
    this.timer.unref();
  }

  /** One /proc scan for all containers; the OOM killer acts on what it finds. */
  private poll(): void {
    const now = Date.now();
    const measured = measureGroups(new Map([...this.running].map(([k, r]) => [k, r.groups])));
    for (const [key, u] of measured) {
      const r = this.running.get(key);
      if (!r || u.processes === 0) continue;
      const prev = r.cpu;
      const cpuNanoCores = prev && now > prev.at ? Math.max(0, ((u.cpuTicks - prev.ticks) / ticksPerSecond) * 1e9 / ((now - prev.at) / 1000)) : 0;
      r.cpu = { ticks: u.cpuTicks, at: now };
      r.usage = { workingSetBytes: u.workingSetBytes, rssBytes: u.rssBytes, usageBytes: u.usageBytes, cpuNanoCores: Math.round(cpuNanoCores) };
      const limit = r.launch.memoryLimitBytes;
      if (limit && u.workingSetBytes > limit && !r.oomKilled && !r.stopping) {
        r.oomKilled = true;
        for (const g of r.groups) killGroup(g, 'SIGKILL');
      }
    }
  }
}

function keyOf(podKey: string, container: string): string {
  return `${podKey}\u0000${container}`;
}

function killGroup(pgid: number, sig: NodeJS.Signals): void {
  try { process.kill(-pgid, sig); } catch { /* already gone */ }
}

/**
 * PATH lookup inside the container: its bin/ is the whole PATH. A relative path is taken from its
 * cwd; an absolute one like /bin/sh or /usr/local/bin/python exists only if the image has that
 * tool, so it is looked up by its base name in bin/ (the host's /usr/bin/python3 must not leak in).
 */
function resolveExecutable(name: string, r: Running): string | undefined {
  const candidate = !name.includes('/') ? join(r.bin, name)
    : !isAbsolute(name) ? resolve(r.cwd, name)
    : name.startsWith(r.cwd + '/') ? name : join(r.bin, basename(name));
  try {
    accessSync(candidate, fsConstants.X_OK);
    return candidate;
  } catch {
    return undefined;
  }
}
