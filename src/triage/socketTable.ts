// Runbook step 4 on the wire: the pod's TCP sockets from /proc/net/tcp and /proc/net/tcp6 (the
// pod's network namespace: every container's sockets), grouped by remote address, port and state,
// with the configured database ports named. The text comes from the pod and is not trusted: lines
// that do not parse are counted, not guessed at, and the number of lines read is bounded.
//
// Left out of the groups, and counted in `skipped`, because they are not connections to anything:
//   listening  LISTEN sockets (the pod's own servers);
//   unbound    no remote end (0.0.0.0:0, a socket in CLOSE);
//   loopback   the pod talking to itself over 127.0.0.0/8 or ::1 (its health checks, an internal
//              load generator), unless the remote port is a database port: a DB proxy sidecar
//              (cloud-sql-proxy on 127.0.0.1:5432) is reached that way and is what we look for;
//   inbound    the server side of a client's connection to one of the pod's listening ports: its
//              remote port is the client's ephemeral one, one group per connection.
import type { SocketGroup } from './model.ts';

export const DEFAULT_DB_PORTS: Readonly<Record<number, string>> = {
  5432: 'PostgreSQL', 3306: 'MySQL', 6379: 'Redis', 27017: 'MongoDB', 1433: 'SQL Server',
};

/** The kernel's TCP states (include/net/tcp_states.h), as /proc prints them: 01..0B. */
const STATES = ['ESTABLISHED', 'SYN_SENT', 'SYN_RECV', 'FIN_WAIT1', 'FIN_WAIT2', 'TIME_WAIT', 'CLOSE', 'CLOSE_WAIT', 'LAST_ACK', 'LISTEN', 'CLOSING'];

export interface SocketEntry {
  readonly localAddress: string;
  readonly localPort: number;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly state: string;
}

export interface SocketSkips {
  readonly listening: number;
  readonly unbound: number;
  readonly loopback: number;
  readonly inbound: number;
  /** Lines that are not a socket line (or have an unknown state). */
  readonly malformed: number;
  /** More lines than the bound: the rest were not read. */
  readonly truncated: boolean;
}

export interface SocketTable {
  readonly groups: readonly SocketGroup[];
  readonly skipped: SocketSkips;
}

export interface SocketTableOptions {
  readonly dbPorts?: Readonly<Record<number, string>>;
  /** At most this many socket lines over all files (a pod with a million sockets is itself the finding). */
  readonly maxLines?: number;
}

/** One 32-bit word as the kernel prints it: host byte order, i.e. little-endian on x86 and arm64. */
function wordBytes(hex: string): number[] {
  const n = parseInt(hex, 16);
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
}

/** RFC 5952: lower case, leading zeros dropped, the longest run of two or more zero groups as '::'. */
function ipv6Text(groups: number[]): string {
  let best = -1, bestLen = 1;
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

/** '0100007F' -> '127.0.0.1'; 32 hex digits -> IPv6 text, an IPv4-mapped one (::ffff:a.b.c.d) as IPv4. */
export function decodeAddress(hex: string): string | undefined {
  if (/^[0-9A-Fa-f]{8}$/.test(hex)) return wordBytes(hex).join('.');
  if (!/^[0-9A-Fa-f]{32}$/.test(hex)) return undefined;
  const bytes = [0, 8, 16, 24].flatMap((i) => wordBytes(hex.slice(i, i + 8)));
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) return bytes.slice(12).join('.');
  const groups = Array.from({ length: 8 }, (_, i) => (bytes[2 * i]! << 8) | bytes[2 * i + 1]!);
  return ipv6Text(groups);
}

/** One line of /proc/net/tcp{,6}, or undefined for a header or anything that is not a socket line. */
export function parseSocketLine(line: string): SocketEntry | undefined {
  const m = /^\s*\d+:\s+([0-9A-Fa-f]{8}|[0-9A-Fa-f]{32}):([0-9A-Fa-f]{4})\s+([0-9A-Fa-f]{8}|[0-9A-Fa-f]{32}):([0-9A-Fa-f]{4})\s+([0-9A-Fa-f]{2})\s/.exec(line);
  if (!m) return undefined;
  const state = STATES[parseInt(m[5]!, 16) - 1];
  const localAddress = decodeAddress(m[1]!);
  const remoteAddress = decodeAddress(m[3]!);
  if (!state || localAddress === undefined || remoteAddress === undefined) return undefined;
  // Ports are printed after ntohs: plain big-endian hex.
  return { localAddress, localPort: parseInt(m[2]!, 16), remoteAddress, remotePort: parseInt(m[4]!, 16), state };
}

export const isLoopback = (address: string): boolean => address === '::1' || /^127\./.test(address);
const isUnbound = (e: SocketEntry): boolean => e.remotePort === 0 || e.remoteAddress === '0.0.0.0' || e.remoteAddress === '::';

/**
 * Parses and groups the text of /proc/net/tcp and /proc/net/tcp6 (one or several files' text,
 * concatenated or passed apart; header lines and `head`'s `==> file <==` lines are ignored).
 */
export function socketTable(texts: string | readonly string[], opts: SocketTableOptions = {}): SocketTable {
  const dbPorts = opts.dbPorts ?? DEFAULT_DB_PORTS;
  const maxLines = opts.maxLines ?? 20_000;
  const entries: SocketEntry[] = [];
  let malformed = 0, truncated = false, lines = 0;
  for (const text of typeof texts === 'string' ? [texts] : texts) {
    for (const line of text.split('\n')) {
      if (!line.trim() || /^\s*sl\s/.test(line) || /^==> .* <==$/.test(line)) continue;
      if (++lines > maxLines) { truncated = true; break; }
      const e = parseSocketLine(line);
      if (e) entries.push(e);
      else malformed++;
    }
    if (truncated) break;
  }
  const listeningPorts = new Set(entries.filter((e) => e.state === 'LISTEN').map((e) => e.localPort));
  const skipped = { listening: 0, unbound: 0, loopback: 0, inbound: 0, malformed, truncated };
  const groups = new Map<string, { remoteAddress: string; remotePort: number; state: string; count: number; service?: string }>();
  for (const e of entries) {
    const service = dbPorts[e.remotePort];
    if (e.state === 'LISTEN') { skipped.listening++; continue; }
    if (isUnbound(e)) { skipped.unbound++; continue; }
    if (isLoopback(e.remoteAddress) && service === undefined) { skipped.loopback++; continue; }
    if (listeningPorts.has(e.localPort) && service === undefined) { skipped.inbound++; continue; }
    const key = `${e.remoteAddress}|${e.remotePort}|${e.state}`;
    const g = groups.get(key);
    if (g) g.count++;
    else groups.set(key, { remoteAddress: e.remoteAddress, remotePort: e.remotePort, state: e.state, count: 1, ...(service !== undefined ? { service } : {}) });
  }
  // Databases first, then the biggest groups.
  const sorted = [...groups.values()].sort((a, b) => Number(b.service !== undefined) - Number(a.service !== undefined) || b.count - a.count
    || a.remoteAddress.localeCompare(b.remoteAddress) || a.remotePort - b.remotePort || a.state.localeCompare(b.state));
  return { groups: sorted, skipped };
}

/** ESTABLISHED sockets to the named database ports, optionally only to one port. */
export function establishedToDatabases(groups: readonly SocketGroup[], port?: number): number {
  return groups.filter((g) => g.state === 'ESTABLISHED' && g.service !== undefined && (port === undefined || g.remotePort === port))
    .reduce((n, g) => n + g.count, 0);
}

/** "listening 2, loopback 14, inbound 3" (what was left out, for the method line); '' when nothing was. */
export function describeSkips(s: SocketSkips): string {
  const parts = (['listening', 'unbound', 'loopback', 'inbound', 'malformed'] as const).filter((k) => s[k] > 0).map((k) => `${k} ${s[k]}`);
  if (s.truncated) parts.push('truncated');
  return parts.join(', ');
}

/** The explicit ports of the pools' URLs that are not configured database ports (their sockets are not counted as such). */
export function unnamedDatabasePorts(urls: readonly (string | undefined)[], dbPorts: Readonly<Record<number, string>> = DEFAULT_DB_PORTS): number[] {
  const ports = new Set<number>();
  for (const url of urls) {
    // scheme://user:***@host:port/db; the password is already hidden, so the URL parses.
    const port = Number(/^[a-z][\w+.-]*:\/\/(?:[^@/?#]*@)?(?:\[[^\]]*\]|[^:/?#]*):(\d{1,5})(?:[/?#]|$)/i.exec(url ?? '')?.[1]);
    if (port > 0 && port < 65536 && dbPorts[port] === undefined) ports.add(port);
  }
  return [...ports].sort((a, b) => a - b);
}
