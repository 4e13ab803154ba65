// Memory (and CPU accounting) cgroups for containers, v1 or v2, whichever the machine mounts.
// The kernel enforces the limit: a container past it is OOM-killed by the kernel, and the
// cgroup's own counter says so. Figures are read the way cAdvisor reads them: working set =
// usage - inactive_file, rss = anonymous memory, cache = page cache.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CgroupUsage { usageBytes: number; workingSetBytes: number; rssBytes: number; cacheBytes: number; cpuNanoseconds: number }

export type CgroupVersion = 'v1' | 'v2';

const v1Memory = '/sys/fs/cgroup/memory';
const v1Cpu = ['/sys/fs/cgroup/cpuacct', '/sys/fs/cgroup/cpu,cpuacct'].find((d) => existsSync(join(d, 'cpuacct.usage')));
const v2Root = '/sys/fs/cgroup';

/** The cgroup layout the machine has, or why containers cannot have memory cgroups here. */
export function detectCgroups(): { version?: CgroupVersion; reason?: string } {
  if (existsSync(join(v1Memory, 'memory.limit_in_bytes'))) return { version: 'v1' };
  const controllers = readText(join(v2Root, 'cgroup.controllers'));
  if (controllers?.split(/\s+/).includes('memory')) return { version: 'v2' };
  return { reason: 'no memory cgroup controller is mounted (neither v1 /sys/fs/cgroup/memory nor v2 with memory)' };
}

function readText(path: string): string | undefined {
  try { return readFileSync(path, 'utf8'); } catch { return undefined; }
}

function statOf(text: string | undefined): Map<string, number> {
  const m = new Map<string, number>();
  for (const line of (text ?? '').split('\n')) {
    const [k, v] = line.split(/\s+/);
    if (k && v !== undefined) m.set(k, Number(v));
  }
  return m;
}

/** One container's cgroup (in each controller it uses), created with its memory limit. */
export class Cgroup {
  readonly version: CgroupVersion;
  /** Path relative to the controller roots, e.g. kmt-1234/<pod uid>/<container id>. */
  readonly path: string;

  constructor(version: CgroupVersion, path: string, limitBytes: number | undefined) {
    this.version = version;
    this.path = path;
    if (version === 'v1') {
      mkdirSync(join(v1Memory, path), { recursive: true });
      if (v1Cpu) mkdirSync(join(v1Cpu, path), { recursive: true });
      // No swap on these machines, and none for containers anywhere: the limit is the memory.
      writeFileSync(join(v1Memory, path, 'memory.swappiness'), '0');
      if (limitBytes) writeFileSync(join(v1Memory, path, 'memory.limit_in_bytes'), String(limitBytes));
    } else {
      enableV2Controllers(path);
      mkdirSync(join(v2Root, path), { recursive: true });
      if (limitBytes) {
        writeFileSync(join(v2Root, path, 'memory.max'), String(limitBytes));
        if (existsSync(join(v2Root, path, 'memory.swap.max'))) writeFileSync(join(v2Root, path, 'memory.swap.max'), '0');
      }
    }
  }

  /** The cgroup.procs files a process writes itself into to join (one per controller). */
  procsFiles(): string[] {
    if (this.version === 'v2') return [join(v2Root, this.path, 'cgroup.procs')];
    return [join(v1Memory, this.path, 'cgroup.procs'), ...(v1Cpu ? [join(v1Cpu, this.path, 'cgroup.procs')] : [])];
  }

  /** The memory controller's directory (mounted read-only at /sys/fs/cgroup/memory in the container). */
  memoryDir(): string {
    return this.version === 'v1' ? join(v1Memory, this.path) : join(v2Root, this.path);
  }

  pids(): number[] {
    const text = readText(this.procsFiles()[0]) ?? '';
    return text.split('\n').filter(Boolean).map(Number);
  }

  usage(): CgroupUsage | undefined {
    if (this.version === 'v1') {
      const dir = join(v1Memory, this.path);
      const usage = Number(readText(join(dir, 'memory.usage_in_bytes')));
      if (!Number.isFinite(usage)) return undefined;
      const stat = statOf(readText(join(dir, 'memory.stat')));
      const cpu = v1Cpu ? Number(readText(join(v1Cpu, this.path, 'cpuacct.usage')) ?? 0) : 0;
      return {
        usageBytes: usage, workingSetBytes: Math.max(0, usage - (stat.get('total_inactive_file') ?? 0)),
        rssBytes: stat.get('total_rss') ?? 0, cacheBytes: stat.get('total_cache') ?? 0, cpuNanoseconds: cpu || 0,
      };
    }
    const dir = join(v2Root, this.path);
    const usage = Number(readText(join(dir, 'memory.current')));
    if (!Number.isFinite(usage)) return undefined;
    const stat = statOf(readText(join(dir, 'memory.stat')));
    const cpu = statOf(readText(join(dir, 'cpu.stat'))).get('usage_usec') ?? 0;
    return {
      usageBytes: usage, workingSetBytes: Math.max(0, usage - (stat.get('inactive_file') ?? 0)),
      rssBytes: stat.get('anon') ?? 0, cacheBytes: stat.get('file') ?? 0, cpuNanoseconds: cpu * 1000,
    };
  }

  /** How many processes the kernel's OOM killer killed in this cgroup. */
  oomKills(): number {
    const file = this.version === 'v1' ? join(v1Memory, this.path, 'memory.oom_control') : join(v2Root, this.path, 'memory.events');
    return statOf(readText(file)).get('oom_kill') ?? 0;
  }

  /** Removes the cgroup once its processes are gone (retries while the kernel finishes the exit). */
  async remove(): Promise<void> {
    for (let i = 0; i < 50; i++) {
      try {
        for (const dir of this.dirs()) if (existsSync(dir)) rmdirSync(dir);
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  private dirs(): string[] {
    return this.version === 'v1' ? [join(v1Memory, this.path), ...(v1Cpu ? [join(v1Cpu, this.path)] : [])] : [join(v2Root, this.path)];
  }
}

/** v2 needs the memory and cpu controllers switched on in every ancestor's subtree_control. */
function enableV2Controllers(path: string): void {
  const parts = path.split('/').filter(Boolean);
  let dir = v2Root;
  for (const part of parts) {
    try { writeFileSync(join(dir, 'cgroup.subtree_control'), '+memory +cpu'); } catch { /* already on, or cpu not delegated */ }
    dir = join(dir, part);
    mkdirSync(dir, { recursive: true });
  }
}

/** Removes a whole subtree bottom-up (a runtime's own top directory, after its processes are gone). */
export function removeTree(version: CgroupVersion, top: string): void {
  const roots = version === 'v1' ? [v1Memory, ...(v1Cpu ? [v1Cpu] : [])] : [v2Root];
  for (const r of roots) removeDirTree(join(r, top));
}

function removeDirTree(dir: string): void {
  if (!existsSync(dir)) return;
  for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) removeDirTree(join(dir, e.name));
  try { rmdirSync(dir); } catch { /* processes still in it: the watchdog retries */ }
}

/** The controller roots a top-level runtime directory lives under (for the watchdog). */
export function controllerDirs(version: CgroupVersion, top: string): string[] {
  return version === 'v1' ? [join(v1Memory, top), ...(v1Cpu ? [join(v1Cpu, top)] : [])] : [join(v2Root, top)];
}
