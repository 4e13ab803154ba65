// The processes of a container, read from its /proc through exec (argv only: `ls /proc`, then one
// `head` over every process's cmdline and status), and which of them run a given runtime. The
// runtime is found from what each process is, not assumed to be PID 1: a shell or tini may be PID 1.

export interface ContainerProcess {
  readonly pid: number;
  readonly argv: readonly string[];
  /** status's Name: the executable's (or script's) name, at most 15 characters. */
  readonly name: string;
  readonly uid?: number;
  readonly rssBytes?: number;
}

/** The numeric entries of `ls /proc`, without the listing's own and our exec's processes. */
export function pidsOf(lsOutput: string): number[] {
  return lsOutput.split(/\s+/).filter((s) => /^\d+$/.test(s)).map(Number);
}

/** argv for one exec that prints every pid's cmdline and status with `==> path <==` headers. */
export function headArgv(pids: readonly number[]): string[] {
  return ['head', '-c', '4096', ...pids.flatMap((p) => [`/proc/${p}/cmdline`, `/proc/${p}/status`])];
}

/** Parses `head` over cmdline and status files; processes that vanished meanwhile are left out. */
export function parseHead(output: string): ContainerProcess[] {
  const parts = output.split(/(?:^|\n)==> \/proc\/(\d+)\/(cmdline|status) <==\n/);
  const byPid = new Map<number, { cmdline?: string; status?: string }>();
  for (let i = 1; i + 2 < parts.length; i += 3) {
    const pid = Number(parts[i]);
    const entry = byPid.get(pid) ?? {};
    const body = (parts[i + 2] ?? '').replace(/\n$/, '');
    if (parts[i + 1] === 'cmdline') entry.cmdline = body;
    else entry.status = body;
    byPid.set(pid, entry);
  }
  const out: ContainerProcess[] = [];
  for (const [pid, e] of byPid) {
    if (e.status === undefined) continue;
    const field = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(e.status!)?.[1]?.trim();
    const argv = (e.cmdline ?? '').split('\0').filter((a, i, all) => a !== '' || i < all.length - 1);
    const rssKb = Number(/^(\d+)/.exec(field('VmRSS') ?? '')?.[1]);
    const uid = Number(field('Uid')?.split(/\s+/)[0]);
    out.push({ pid, argv, name: field('Name') ?? '', uid: Number.isFinite(uid) ? uid : undefined, rssBytes: Number.isFinite(rssKb) ? rssKb * 1024 : undefined });
  }
  return out.sort((a, b) => a.pid - b.pid);
}

const basename = (p: string) => p.slice(p.lastIndexOf('/') + 1);

/** CPython: argv[0] or the process name is python, python3, python3.11... (a #! script's argv[0] is its interpreter). */
export function isPython(p: ContainerProcess): boolean {
  const re = /^python(\d+(\.\d+)?)?[dmu]*$/;
  return re.test(basename(p.argv[0] ?? '')) || re.test(p.name);
}

export function isNode(p: ContainerProcess): boolean {
  return /^(node|nodejs)$/.test(basename(p.argv[0] ?? '')) || p.name === 'node';
}

/** The processes of a runtime, the biggest first (a gunicorn worker that leaks outgrows its master). */
export function candidates(processes: readonly ContainerProcess[], test: (p: ContainerProcess) => boolean): ContainerProcess[] {
  return processes.filter(test).sort((a, b) => (b.rssBytes ?? 0) - (a.rssBytes ?? 0) || a.pid - b.pid);
}

/** "pid 1: python3 /app/server.py (84 MiB)" */
export function describeProcess(p: ContainerProcess): string {
  const rss = p.rssBytes !== undefined ? ` (${Math.round(p.rssBytes / 1048576)} MiB)` : '';
  return `pid ${p.pid}: ${p.argv.join(' ').slice(0, 120) || p.name}${rss}`;
}
