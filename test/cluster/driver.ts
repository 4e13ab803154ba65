// The runtime's shape as the API server's kubelet uses it, and the choice of runtime: real
// containers (runtime/containers.ts) where the machine allows them (root, memory cgroups,
// overlayfs, iproute2), else the process-only fallback (runtime/index.ts), said in one line.
import { existsSync, readFileSync } from 'node:fs';
import type { Duplex } from 'node:stream';
import type { ImageSpec } from './runtime/images.ts';
import type { ContainerLaunch, ExecIO, ProcessExit, ProcessUsage } from './runtime/types.ts';

export type { ContainerLaunch, ExecIO, ProcessExit, ProcessUsage };

export interface Runtime {
  readonly kind: 'containers' | 'processes';
  /** The pod sandbox (network namespace and IP), before its first container; no IP from the fallback. */
  sandbox(podKey: string, hostname: string): Promise<{ ip?: string }>;
  /** The pod's /etc/hosts (Services by name), rewritten in place. */
  setHosts(podKey: string, text: string): void;
  start(launch: ContainerLaunch, onExit: (exit: ProcessExit) => void): Promise<{ pid: number; startedAt: Date; logFile?: string }>;
  usage(podKey: string, container: string): ProcessUsage | undefined;
  exec(podKey: string, container: string, argv: string[], io: ExecIO): Promise<number>;
  signal(podKey: string, container: string, sig: NodeJS.Signals): boolean;
  /** A port-forward connection to <port> on the pod's loopback. */
  connect(podKey: string, container: string | undefined, port: number): Duplex;
  /** A tcpSocket probe of <port> (the pod IP from the node). */
  probe(podKey: string, port: number): Promise<boolean>;
  stop(podKey: string): Promise<void>;
  stopAll(): Promise<void>;
}

/** Why real containers cannot run here, or undefined when they can. */
export async function containerSupport(): Promise<{ version?: 'v1' | 'v2'; missing: string[] }> {
  const missing: string[] = [];
  if (process.getuid?.() !== 0) missing.push('root (namespaces, cgroups and the pod bridge need it)');
  const { detectCgroups } = await import('./runtime/cgroups.ts');
  const cg = detectCgroups();
  if (cg.reason) missing.push(cg.reason);
  const filesystems = existsSync('/proc/filesystems') ? readFileSync('/proc/filesystems', 'utf8') : '';
  if (!/\boverlay\b/.test(filesystems)) missing.push('overlayfs (modprobe overlay)');
  for (const [bin, pkg] of [['/usr/sbin/ip', 'iproute2'], ['/usr/bin/nsenter', 'util-linux'], ['/usr/bin/python3', 'python3']]) {
    if (!existsSync(bin) && !existsSync(bin.replace('/usr', ''))) missing.push(`${bin} (apt-get install ${pkg})`);
  }
  return { version: cg.version, missing };
}

/**
 * Real containers unless the machine cannot have them (or KMT_RUNTIME=processes asks for the
 * fallback); `log` gets one line naming what the fallback runs without.
 */
export async function loadRuntime(opts: { pollMs: number; graceMs?: number; images?: Record<string, ImageSpec>; log: (line: string) => void }): Promise<Runtime> {
  const support = await containerSupport();
  const forced = process.env.KMT_RUNTIME === 'processes';
  if (!forced && support.missing.length === 0 && support.version) {
    const { ContainerRuntime } = await import('./runtime/containers.ts');
    return new ContainerRuntime({ cgroupVersion: support.version, images: opts.images, graceMs: opts.graceMs }) as Runtime;
  }
  const why = forced ? 'KMT_RUNTIME=processes' : `missing ${support.missing.join('; ')}`;
  opts.log(`runtime: host processes instead of containers (${why}): no PID/mount/network namespaces, no memory cgroups (OOM kills by polling), no ephemeral containers, no image filesystems`);
  const { ProcessRuntime } = await import('./runtime/index.ts');
  return new ProcessRuntime({ pollMs: opts.pollMs, graceMs: opts.graceMs }) as unknown as Runtime;
}
