// The container runtime: each pod a sandbox (network, UTS and IPC namespaces, a veth on the
// runtime's bridge), each container a process that is PID 1 of its own PID namespace, in its own
// mount namespace over its image's root and in its own memory cgroup whose limit the kernel
// enforces. exec enters all of a container's namespaces as its user; ephemeral containers join a
// target's PID namespace. See README.md in this folder.
import { chmodSync, closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { Cgroup, removeTree, type CgroupVersion } from './cgroups.ts';
import { safeName } from './container.ts';
import { argvOf, credentialsOf, envOf, mountsOf } from './containerSpec.ts';
import { forward } from './forward.ts';
import { goBinary } from './goBuild.ts';
import { buildImageRoot, findExecutable } from './imageRoot.ts';
import { builtinImages, resolveImage, type ImageSpec, type ResolvedImage } from './images.ts';
import { PodNetwork } from './network.ts';
import { exitOf, startNsexec, StartError } from './nsexecProcess.ts';
import { Reaper } from './reaper.ts';
import type { ContainerLaunch, ExecIO, ProcessExit, ProcessUsage } from './types.ts';
import { workloadFolder, workloadImage } from './workloads.ts';

export class ImagePullError extends Error {}

interface Sandbox { podKey: string; pid: number; ip: string; hostLink: string; dir: string; hostsFile: string; stop: () => void }

interface Instance {
  launch: ContainerLaunch;
  image: ResolvedImage;
  cgroup: Cgroup;
  pid: number;
  kill: (sig: NodeJS.Signals) => void;
  startedAt: Date;
  env: Record<string, string>;
  cwd: string;
  creds: ReturnType<typeof credentialsOf>;
  cpu?: { ns: number; at: number; rate: number };
  stopping: boolean;
  exited: Promise<void>;
}

export class ContainerRuntime {
  readonly kind = 'containers';
  private readonly root = mkdtempSync(join(tmpdir(), 'kmt-containers-'));
  private readonly top = `kmt-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  private readonly sandboxes = new Map<string, Sandbox>();
  private readonly running = new Map<string, Instance>();
  private readonly reaper = new Reaper();
  private readonly catalogue: Record<string, ImageSpec>;
  private readonly cgroupVersion: CgroupVersion;
  private readonly graceMs: number;
  private network: Promise<PodNetwork> | undefined;
  private instances = 0;

  constructor(opts: { cgroupVersion: CgroupVersion; images?: Record<string, ImageSpec>; graceMs?: number }) {
    this.cgroupVersion = opts.cgroupVersion;
    this.catalogue = { ...builtinImages, ...opts.images };
    this.graceMs = opts.graceMs ?? 5000;
    this.reaper.removeDir(this.root);
    this.reaper.removeCgroups(this.cgroupVersion, this.top);
  }

  private net(): Promise<PodNetwork> {
    this.network ??= PodNetwork.create().then((n) => { this.reaper.removeLink(n.bridge); return n; });
    return this.network;
  }

  /** The image a container runs: the catalogue's entry, else its workload's own base image. */
  image(name: string, workload?: string): ResolvedImage {
    const image = resolveImage(this.catalogue, name) ?? (workload ? resolveImage({ ...this.catalogue, [name]: workloadImage(workload) }, name) : undefined);
    if (!image) throw new ImagePullError(`rpc error: code = NotFound desc = failed to pull and unpack image "${name}": failed to resolve reference "${name}": not found`);
    if (image.pull === 'denied') throw new ImagePullError(`rpc error: code = Unknown desc = failed to pull and unpack image "${name}": failed to resolve reference "${name}": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed`);
    return image;
  }

  /** The pod sandbox: its namespaces, network and IP; created once per pod, before its containers. */
  async sandbox(podKey: string, hostname: string): Promise<{ ip: string }> {
    const existing = this.sandboxes.get(podKey);
    if (existing) return { ip: existing.ip };
    const net = await this.net();
    const dir = join(this.root, 'pods', safeName(podKey));
    mkdirSync(dir, { recursive: true });
    const { child, pid } = await startNsexec('pause', { hostname }, ['ignore', 'ignore', 'ignore']);
    this.reaper.add(child.pid!);
    try {
      const { ip, hostLink } = await net.attach(pid);
      const hostsFile = join(dir, 'hosts');
      writeFileSync(hostsFile, `127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n${ip}\t${hostname}\n`);
      writeFileSync(join(dir, 'hostname'), `${hostname}\n`);
      const sb: Sandbox = { podKey, pid, ip, hostLink, dir, hostsFile, stop: () => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } this.reaper.remove(child.pid!); } };
      this.sandboxes.set(podKey, sb);
      return { ip };
    } catch (err) {
      try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ }
      throw err;
    }
  }

  /** Rewrites the pod's /etc/hosts in place (every container bind-mounts the same file). */
  setHosts(podKey: string, text: string): void {
    const sb = this.sandboxes.get(podKey);
    if (sb) writeFileSync(sb.hostsFile, text);
  }

  podIP(podKey: string): string | undefined {
    return this.sandboxes.get(podKey)?.ip;
  }

  async start(launch: ContainerLaunch, onExit: (exit: ProcessExit) => void): Promise<{ pid: number; startedAt: Date; logFile: string }> {
    const key = keyOf(launch.podKey, launch.container);
    if (this.running.has(key)) throw new Error(`container "${launch.container}" of ${launch.podKey} is already running`);
    const sb = this.sandboxes.get(launch.podKey) ?? (await this.sandbox(launch.podKey, launch.podKey.split('/').pop()!), this.sandboxes.get(launch.podKey)!);
    const image = this.image(launch.image ?? '', launch.workload || undefined);
    const lower = buildImageRoot(this.root, image, image.goBuild ? { [image.goBuild.binary]: await goBinary(image.goBuild.workload) } : {});
    const n = ++this.instances;
    const instanceDir = join(sb.dir, `${safeName(launch.container)}-${n}`);
    for (const d of ['upper', 'work', 'rootfs', 'app-upper', 'app-work']) mkdirSync(join(instanceDir, d), { recursive: true });
    const logFile = join(sb.dir, `${safeName(launch.container)}-${n}.log`);
    const creds = credentialsOf(image, launch.securityContext ?? {});
    const hostname = launch.podKey.split('/').pop()!;
    const home = creds.uid === image.user.uid ? image.user.home : '/';
    const env = envOf(image, launch.env, hostname, home);
    // The app's code goes to the image's WORKDIR, or /app for a base image without one.
    const appPath = image.workdir === '/' ? '/app' : image.workdir;
    const cwd = launch.workingDir || (launch.workload ? appPath : image.workdir);
    const argv = argvOf(image, launch.command, launch.args);
    if (argv.length === 0) throw new StartError('no command specified', 128);
    const workloadDir = launch.workload ? workloadFolder(launch.workload) : undefined;
    const volumes = (launch.volumeMounts ?? []).map((v) => ({ ...v, hostDir: this.volumeDir(sb, v.name) }));
    const target = launch.targetContainer ? this.running.get(keyOf(launch.podKey, launch.targetContainer)) : undefined;
    if (launch.targetContainer && !target) throw new StartError(`the target container "${launch.targetContainer}" is not running`, 128);
    const cgroup = new Cgroup(this.cgroupVersion, `${this.top}/${safeName(launch.podKey)}/${safeName(launch.container)}-${n}`, launch.memoryLimitBytes);
    const mounts = mountsOf({ image, instanceDir, workloadDir, workloadPath: appPath, volumes, hostsFile: sb.hostsFile, hostnameFile: join(sb.dir, 'hostname'), cgroupDir: cgroup.memoryDir(), cgroupVersion: this.cgroupVersion });
    if (!findExecutable(lower, env.PATH, cwd, argv[0]) && !inWorkload(argv[0], cwd, appPath, workloadDir)) {
      await cgroup.remove();
      throw new StartError(`failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "${argv[0]}": executable file not found in $PATH: unknown`, 128);
    }
    const log = openSync(logFile, 'a');
    let started;
    try {
      started = await startNsexec('run', {
        sandboxPid: sb.pid, targetPid: target?.pid, cgroupProcs: cgroup.procsFiles(),
        root: join(instanceDir, 'rootfs'), overlay: { lower, upper: join(instanceDir, 'upper'), work: join(instanceDir, 'work') },
        mounts, ...creds, cwd, argv, env,
      }, ['ignore', log, log]);
    } catch (err) {
      await cgroup.remove();
      throw err;
    } finally {
      closeSync(log);
    }
    const { child, pid } = started;
    this.reaper.add(child.pid!);
    let markExited!: () => void;
    const inst: Instance = {
      launch, image, cgroup, pid, startedAt: new Date(), env, cwd, creds, stopping: false,
      kill: (sig) => { try { process.kill(pid, sig); } catch { /* gone */ } },
      exited: new Promise((r) => { markExited = r; }),
    };
    this.running.set(key, inst);
    void exitOf(child).then(async ({ code, signal }) => {
      this.running.delete(key);
      this.reaper.remove(child.pid!);
      const oomKilled = cgroup.oomKills() > 0 && (signal === 'SIGKILL' || code === 137);
      await cgroup.remove();
      markExited();
      if (!inst.stopping) onExit({ exitCode: oomKilled ? 137 : code, signal, oomKilled, startedAt: inst.startedAt, finishedAt: new Date() });
    });
    return { pid, startedAt: inst.startedAt, logFile };
  }

  private volumeDir(sb: Sandbox, name: string): string {
    const dir = join(sb.dir, 'volumes', safeName(name));
    mkdirSync(dir, { recursive: true });
    chmodSync(dir, 0o777); // emptyDir's mode
    return dir;
  }

  usage(podKey: string, container: string): ProcessUsage | undefined {
    const inst = this.running.get(keyOf(podKey, container));
    const u = inst?.cgroup.usage();
    if (!inst || !u) return undefined;
    const now = Date.now();
    const prev = inst.cpu;
    const rate = prev && now - prev.at >= 200 ? Math.max(0, (u.cpuNanoseconds - prev.ns) / ((now - prev.at) / 1000)) : prev?.rate ?? 0;
    if (!prev || now - prev.at >= 200) inst.cpu = { ns: u.cpuNanoseconds, at: now, rate };
    return { workingSetBytes: u.workingSetBytes, rssBytes: u.rssBytes, usageBytes: u.usageBytes, cacheBytes: u.cacheBytes, cpuNanoCores: Math.round(rate) };
  }

  /** `kubectl exec`: the container's namespaces, cgroup, user, capabilities, cwd and env. */
  async exec(podKey: string, container: string, argv: string[], io: ExecIO): Promise<number> {
    const inst = this.running.get(keyOf(podKey, container));
    if (!inst) throw new Error(`container "${container}" of ${podKey} is not running`);
    if (!argv.length || !findExecutable(`/proc/${inst.pid}/root`, inst.env.PATH, inst.cwd, argv[0])) {
      throw new Error(`exec: "${argv[0] ?? ''}": executable file not found in $PATH`);
    }
    const { child } = await startNsexec('exec', {
      targetPid: inst.pid, cgroupProcs: inst.cgroup.procsFiles(), ...inst.creds, cwd: inst.cwd, argv, env: inst.env,
    }, [io.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe']);
    this.reaper.add(child.pid!);
    child.stdout!.pipe(io.stdout, { end: false });
    child.stderr!.pipe(io.stderr, { end: false });
    if (io.stdin && child.stdin) {
      child.stdin.on('error', () => {});
      io.stdin.pipe(child.stdin);
    }
    const { code } = await exitOf(child);
    this.reaper.remove(child.pid!);
    return code;
  }

  signal(podKey: string, container: string, sig: NodeJS.Signals): boolean {
    const inst = this.running.get(keyOf(podKey, container));
    if (!inst) return false;
    inst.kill(sig);
    return true;
  }

  /** Port-forward: 127.0.0.1:<port> inside the pod's network namespace, as the kubelet dials it. */
  connect(podKey: string, _container: string | undefined, port: number): Duplex {
    const sb = this.sandboxes.get(podKey);
    return forward(sb?.pid, port, podKey);
  }

  /** A tcpSocket probe: the kubelet dials the pod IP from the node. */
  probe(podKey: string, port: number, timeoutMs = 1000): Promise<boolean> {
    const ip = this.sandboxes.get(podKey)?.ip;
    if (!ip) return Promise.resolve(false);
    return new Promise((resolve) => {
      const s = netConnect({ host: ip, port });
      const done = (ok: boolean) => { s.destroy(); resolve(ok); };
      s.once('connect', () => done(true));
      s.once('error', () => done(false));
      s.setTimeout(timeoutMs, () => done(false));
    });
  }

  /** The image's STOPSIGNAL (SIGTERM) to each container's PID 1 (ignored without a handler, as in a pod), SIGKILL after the grace period; then the sandbox. */
  async stop(podKey: string): Promise<void> {
    const insts = [...this.running.values()].filter((i) => i.launch.podKey === podKey);
    await Promise.all(insts.map((i) => this.stopOne(i)));
    removeTree(this.cgroupVersion, `${this.top}/${safeName(podKey)}`);
    const sb = this.sandboxes.get(podKey);
    if (!sb) return;
    this.sandboxes.delete(podKey);
    sb.stop();
    const net = await this.net();
    await net.detach(sb.ip, sb.hostLink);
    rmSync(sb.dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.sandboxes.keys()].map((k) => this.stop(k)));
    if (this.network) await (await this.network).dispose();
    removeTree(this.cgroupVersion, this.top);
    this.reaper.dispose();
    rmSync(this.root, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  }

  private async stopOne(inst: Instance): Promise<void> {
    inst.stopping = true;
    inst.kill(inst.image.stopSignal);
    const timer = setTimeout(() => inst.kill('SIGKILL'), this.graceMs);
    await inst.exited;
    clearTimeout(timer);
  }
}

function keyOf(podKey: string, container: string): string {
  return `${podKey}\u0000${container}`;
}

/** An executable named by a path inside the workload folder (e.g. ./run.sh or /app/bin/server). */
function inWorkload(argv0: string, cwd: string, appPath: string, workloadDir?: string): boolean {
  if (!workloadDir) return false;
  const abs = argv0.startsWith('/') ? argv0 : join(cwd, argv0);
  return abs.startsWith(appPath + '/') && findExecutable(workloadDir, '', '/', abs.slice(appPath.length));
}
