// Memory and CPU of process groups, read from /proc: what cAdvisor reads from the container's
// cgroup, approximated by summing the processes of the container's groups.
import { readdirSync, readFileSync } from 'node:fs';

export interface GroupUsage { workingSetBytes: number; rssBytes: number; usageBytes: number; cpuTicks: number; processes: number }

// USER_HZ: /proc/PID/stat counts CPU time in these ticks; 100 on every Linux build that matters.
export const ticksPerSecond = 100;

function readText(path: string): string | undefined {
  try { return readFileSync(path, 'utf8'); } catch { return undefined; }
}

/** pid -> [pgrp, utime+stime] for every process on the host (the comm field may contain spaces). */
function scanStats(): Map<number, [number, number]> {
  const out = new Map<number, [number, number]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readText(`/proc/${name}/stat`);
    if (!stat) continue;
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    out.set(Number(name), [Number(f[2]), Number(f[11]) + Number(f[12])]);
  }
  return out;
}

function statusKb(status: string, field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return m ? Number(m[1]) * 1024 : 0;
}

/**
 * Usage of each set of process groups (one set per container), from a single /proc scan.
 * working set = VmRSS (anonymous + file-backed + shmem pages resident), the part the kernel
 * cannot reclaim without swapping; rss = anonymous + shmem, like the cgroup's "rss";
 * usage = working set (page cache of files a container writes is not attributable per process).
 */
export function measureGroups(containers: Map<string, Set<number>>): Map<string, GroupUsage> {
  const stats = scanStats();
  const byGroup = new Map<number, number[]>();
  for (const [pid, [pgrp]] of stats) {
    const list = byGroup.get(pgrp);
    if (list) list.push(pid); else byGroup.set(pgrp, [pid]);
  }
  const result = new Map<string, GroupUsage>();
  for (const [key, groups] of containers) {
    const u: GroupUsage = { workingSetBytes: 0, rssBytes: 0, usageBytes: 0, cpuTicks: 0, processes: 0 };
    for (const g of groups) {
      for (const pid of byGroup.get(g) ?? []) {
        const status = readText(`/proc/${pid}/status`);
        if (!status) continue;
        u.processes++;
        u.workingSetBytes += statusKb(status, 'VmRSS');
        u.rssBytes += statusKb(status, 'RssAnon') + statusKb(status, 'RssShmem');
        u.cpuTicks += stats.get(pid)![1];
      }
    }
    u.usageBytes = u.workingSetBytes;
    result.set(key, u);
  }
  return result;
}
