// The connections part's figures in words. No DOM, so the host's tree row and tooltip use the
// same words as the page, and unit tests run it in plain Node.
import type { PoolFigures, PoolVerdictKind, SocketGroup } from '../triage/model.ts';

const DASH = '—';

/** The verdict in the tree row's few words. */
export const VERDICT_WORDS: Record<PoolVerdictKind, string> = {
  exhausted: 'exhausted',
  leaking: 'leaking',
  healthy: 'healthy',
  unknown: 'could not be checked',
};

export function formatCount(n: number | undefined): string {
  return n === undefined ? DASH : n.toLocaleString('en-US');
}

/** 45 s, 3 min 5 s, 2 h 10 min: how long a connection has been checked out. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 90) return `${s} s`;
  if (s < 3600) return s % 60 === 0 || s >= 600 ? `${Math.round(s / 60)} min` : `${Math.floor(s / 60)} min ${s % 60} s`;
  const m = Math.round(s / 60);
  return m % 60 === 0 ? `${m / 60} h` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** "4/10"; SQLAlchemy's max_overflow -1 means no bound. */
export function formatOverflow(p: PoolFigures): string {
  const max = p.maxOverflow === undefined ? DASH : p.maxOverflow < 0 ? 'no limit' : formatCount(p.maxOverflow);
  return `${formatCount(p.overflow)}/${max}`;
}

export function formatTimeout(p: PoolFigures): string {
  return p.timeoutSeconds === undefined ? DASH : `${Number(p.timeoutSeconds.toFixed(1))} s`;
}

/** The longest-held first, a few of them: "3 min 5 s, 61 s, 30 s +6 more". */
export function formatOutFor(outFor: readonly number[] | undefined, shown = 3): string {
  if (!outFor || outFor.length === 0) return DASH;
  const sorted = [...outFor].sort((a, b) => b - a);
  const head = sorted.slice(0, shown).map(formatDuration).join(', ');
  return sorted.length > shown ? `${head} +${sorted.length - shown} more` : head;
}

/** What the pool can hand out before callers wait: size plus max overflow; undefined when unbounded or unknown. */
export function capacityOf(p: PoolFigures): number | undefined {
  if (p.size === undefined || p.maxOverflow === undefined || p.maxOverflow < 0) return undefined;
  return p.size + p.maxOverflow;
}

/** Checked out and capacity over the pools of one check; each undefined when no pool says. */
export function poolTotals(pools: readonly PoolFigures[]): { checkedOut?: number; capacity?: number } {
  const measured = pools.filter((p) => p.checkedOut !== undefined);
  if (measured.length === 0) return {};
  const checkedOut = measured.reduce((sum, p) => sum + (p.checkedOut ?? 0), 0);
  const capacities = measured.map(capacityOf);
  const capacity = capacities.every((c) => c !== undefined) ? capacities.reduce((sum: number, c) => sum + c!, 0) : undefined;
  return { checkedOut, capacity };
}

/** ESTABLISHED sockets to a configured database port: the connections a pool holds open. */
export function databaseConnections(sockets: readonly SocketGroup[]): { count: number; services: string[] } {
  const db = sockets.filter((s) => s.service !== undefined && s.state === 'ESTABLISHED');
  return { count: db.reduce((sum, s) => sum + s.count, 0), services: [...new Set(db.map((s) => s.service!))].sort() };
}

/** "9/15 checked out", "9 checked out", or the wire's count when no pool could be read. */
export function checkedOutText(pools: readonly PoolFigures[], sockets: readonly SocketGroup[]): string | undefined {
  const { checkedOut, capacity } = poolTotals(pools);
  if (checkedOut !== undefined) return capacity === undefined ? `${formatCount(checkedOut)} checked out` : `${formatCount(checkedOut)}/${formatCount(capacity)} checked out`;
  const db = databaseConnections(sockets);
  if (db.count > 0) return `${formatCount(db.count)} connection${db.count === 1 ? '' : 's'} to ${db.services.join(', ')}`;
  return undefined;
}

/** One check in a sentence: the pool against its capacity, and what the socket table says beside it. */
export function checkSummary(pools: readonly PoolFigures[], sockets: readonly SocketGroup[]): string {
  const { checkedOut, capacity } = poolTotals(pools);
  const parts: string[] = [];
  if (checkedOut !== undefined) {
    const of = capacity === undefined ? '' : ` of ${formatCount(capacity)} (size + max overflow)`;
    parts.push(`${formatCount(checkedOut)} checked out${of} in ${pools.length} pool${pools.length === 1 ? '' : 's'}`);
  } else {
    parts.push(pools.length === 0 ? 'No pool read in the process' : 'The pool did not say how many are checked out');
  }
  const db = databaseConnections(sockets);
  parts.push(db.count === 0 ? 'no ESTABLISHED socket to a database port' : `${formatCount(db.count)} ESTABLISHED socket${db.count === 1 ? '' : 's'} to ${db.services.join(', ')}`);
  return `${parts.join('; ')}.`;
}

/** A pool's figures on one line, for the tooltip. */
export function poolLine(p: PoolFigures): string {
  const figures = [
    `size ${formatCount(p.size)}`,
    `${formatCount(p.checkedOut)} checked out`,
    `${formatCount(p.checkedIn)} checked in`,
    `overflow ${formatOverflow(p)}`,
    `timeout ${formatTimeout(p)}`,
  ];
  if (p.outForSeconds && p.outForSeconds.length > 0) figures.push(`out for ${formatOutFor(p.outForSeconds)}`);
  return `${p.foundAt} (${p.poolClass}${p.url ? `, ${p.url}` : ''}): ${figures.join(' · ')}`;
}

export function socketLine(s: SocketGroup): string {
  return `${formatCount(s.count)} ${s.state} to ${s.remoteAddress}:${s.remotePort}${s.service ? ` (${s.service})` : ''}`;
}

/** Over several checks: "Checked out 3 → 6 → 9 over 60 s", what tells a leak from a busy pool. */
export function trendLine(checks: readonly { readonly at: number; readonly pools: readonly PoolFigures[] }[]): string | undefined {
  if (checks.length < 2) return undefined;
  const outs = checks.map((c) => poolTotals(c.pools).checkedOut);
  if (outs.some((n) => n === undefined)) return undefined;
  const seconds = (checks[checks.length - 1]!.at - checks[0]!.at) / 1000;
  return `Checked out ${outs.map((n) => formatCount(n)).join(' → ')} over ${formatDuration(seconds)}.`;
}
