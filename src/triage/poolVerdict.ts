// Runbook step 4's verdict from one or more checks of the pool and the pod's sockets, in plain
// words with the figures. A leak is a checked-out count that only grows: between two checks it
// must not fall and must rise by at least two, because one more connection out is what one more
// concurrent request looks like in a busy pool. The same rule holds for the ESTABLISHED sockets to
// a database port, which also catch connections the process holds outside the pools we read.
import type { PoolCheck, PoolFigures, PoolVerdictKind, SocketGroup } from './model.ts';

export interface PoolVerdict {
  readonly kind: PoolVerdictKind;
  readonly text: string;
}

/** How a check's problems start when that part was not measured (dbCheck writes them, the verdict reads them). */
export const POOL_PROBLEM = 'The pool in the process could not be read';
export const SOCKETS_PROBLEM = "The pod's sockets could not be read";

/** The smallest rise across the checks that counts as growth. */
export const MIN_RISE = 2;

const n = (v: number | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

/** size + max overflow, or undefined when the pool has no limit (max overflow -1) or does not say. */
export function poolCapacity(p: PoolFigures): number | undefined {
  if (!n(p.size)) return undefined;
  if (!n(p.maxOverflow)) return p.size;
  return p.maxOverflow < 0 ? undefined : p.size + p.maxOverflow;
}

/** "(pool 5 + overflow 10)" */
function limits(p: PoolFigures): string {
  if (!n(p.size)) return `(${p.poolClass})`;
  if (!n(p.maxOverflow)) return `(pool ${p.size})`;
  return p.maxOverflow < 0 ? `(pool ${p.size}, overflow unlimited)` : `(pool ${p.size} + overflow ${p.maxOverflow})`;
}

const seconds = (checks: readonly PoolCheck[]) => Math.max(0, Math.round((checks.at(-1)!.at.getTime() - checks[0]!.at.getTime()) / 1000));

/** Growth by the rule above, for a series with one figure per check. */
export function grows(series: readonly number[]): boolean {
  if (series.length < 2) return false;
  return series.every((v, i) => i === 0 || v >= series[i - 1]!) && series.at(-1)! - series[0]! >= MIN_RISE;
}

/** Each pool of the last check with its figures in the earlier checks (matched by where it was found, its URL and class). */
function poolSeries(checks: readonly PoolCheck[]): { pool: PoolFigures; history: (PoolFigures | undefined)[] }[] {
  const keyed = (c: PoolCheck) => {
    const seen = new Map<string, number>();
    return c.pools.map((p) => {
      const k = `${p.foundAt}|${p.url ?? ''}|${p.poolClass}`;
      const i = seen.get(k) ?? 0;
      seen.set(k, i + 1);
      return [`${k}|${i}`, p] as const;
    });
  };
  const maps = checks.map((c) => new Map(keyed(c)));
  return keyed(checks.at(-1)!).map(([k, pool]) => ({ pool, history: maps.map((m) => m.get(k)) }));
}

interface Judged { readonly kind: PoolVerdictKind; readonly text: string }

function judgePool(pool: PoolFigures, history: (PoolFigures | undefined)[], checks: readonly PoolCheck[]): Judged {
  const out = history.map((p) => p?.checkedOut).filter(n);
  const cap = poolCapacity(pool);
  const where = pool.url ? ` on ${pool.url}` : '';
  const trail = out.length > 1 ? `; ${out.join(' -> ')} in ${seconds(checks)} s` : '';
  const atMax = n(pool.overflow) && n(pool.maxOverflow) && pool.maxOverflow >= 0 && pool.overflow >= pool.maxOverflow && (pool.checkedIn ?? 0) === 0;
  if ((cap !== undefined && n(pool.checkedOut) && pool.checkedOut >= cap) || (!n(pool.checkedOut) && atMax)) {
    const wait = n(pool.timeoutSeconds) ? `; a request waits ${pool.timeoutSeconds} s for one, then fails` : '';
    return { kind: 'exhausted', text: `pool exhausted: ${pool.checkedOut ?? cap} of ${cap} checked out ${limits(pool)}${where}${wait}${trail}` };
  }
  if (grows(out)) return { kind: 'leaking', text: `connections leaking: ${out.join(' -> ')} checked out in ${seconds(checks)} s ${limits(pool)}${where}` };
  const now = n(pool.checkedOut) ? `${pool.checkedOut}${cap !== undefined ? ` of ${cap}` : ''} checked out` : 'checked out unknown';
  if (out.length > 1) return { kind: 'healthy', text: `healthy: ${out.join(' -> ')} checked out in ${seconds(checks)} s ${limits(pool)}${where}` };
  return { kind: 'unknown', text: `one check: ${now} ${limits(pool)}${where}; check again to tell a leak from a busy pool` };
}

/** ESTABLISHED sockets to each named database port, per check, for the checks whose sockets were read. */
function databaseSeries(checks: readonly PoolCheck[]): { label: string; series: number[] }[] {
  const read = checks.filter((c) => !c.problems.some((p) => p.startsWith(SOCKETS_PROBLEM)));
  const ports = new Map<number, string>();
  for (const g of read.flatMap((c) => c.sockets)) if (g.service !== undefined && g.state === 'ESTABLISHED') ports.set(g.remotePort, g.service);
  const count = (groups: readonly SocketGroup[], port: number) => groups.filter((g) => g.state === 'ESTABLISHED' && g.remotePort === port).reduce((s, g) => s + g.count, 0);
  return [...ports].sort((a, b) => a[0] - b[0]).map(([port, service]) => ({ label: `ESTABLISHED to ${service} :${port}`, series: read.map((c) => count(c.sockets, port)) }));
}

const rank: Record<PoolVerdictKind, number> = { exhausted: 3, leaking: 2, healthy: 1, unknown: 0 };

export function poolVerdict(checks: readonly PoolCheck[]): PoolVerdict {
  if (checks.length === 0) return { kind: 'unknown', text: 'could not be checked: no check was made' };
  const pools = poolSeries(checks).map(({ pool, history }) => judgePool(pool, history, checks));
  const wire = databaseSeries(checks);
  const wireRead = checks.some((c) => !c.problems.some((p) => p.startsWith(SOCKETS_PROBLEM)));
  const wireLeak = wire.filter((w) => grows(w.series));
  const wireText = wire.map((w) => `${w.label} ${w.series.length > 1 ? w.series.join(' -> ') : w.series[0]}`).join(', ');
  const capacity = checks.at(-1)!.pools.map(poolCapacity);
  const lastOnWire = wire.reduce((s, w) => s + (w.series.at(-1) ?? 0), 0);
  const beyond = capacity.length > 0 && capacity.every(n) && lastOnWire > (capacity as number[]).reduce((a, b) => a + b, 0)
    ? `; more connections to databases than the pools allow (${(capacity as number[]).reduce((a, b) => a + b, 0)}): some are made outside them` : '';
  const problems = checks.at(-1)!.problems;
  const notMeasured = problems.length ? ` (${problems.join(' ')})` : '';

  if (pools.length > 0) {
    const worst = pools.reduce((a, b) => (rank[b.kind] > rank[a.kind] ? b : a));
    let kind = worst.kind;
    let text = pools.filter((p) => p.kind === worst.kind).map((p) => p.text).join('; ');
    if (wireLeak.length && rank.leaking > rank[kind]) {
      kind = 'leaking';
      text = `connections leaking: ${wireLeak.map((w) => `${w.label} ${w.series.join(' -> ')}`).join(', ')} in ${seconds(checks)} s; ${text}`;
    } else if (wireText) {
      text += `; ${wireText}`;
    }
    return { kind, text: text + beyond };
  }
  if (wireLeak.length) {
    return { kind: 'leaking', text: `connections leaking: ${wireLeak.map((w) => `${w.label} ${w.series.join(' -> ')}`).join(', ')} in ${seconds(checks)} s${notMeasured}` };
  }
  if (wireRead && wire.length && wire[0]!.series.length > 1) return { kind: 'healthy', text: `healthy on the wire: ${wireText} in ${seconds(checks)} s${notMeasured}` };
  if (wireRead && wire.length) return { kind: 'unknown', text: `one check: ${wireText}; check again to tell a leak from a busy pool${notMeasured}` };
  const why = problems.length ? problems.join(' ') : 'no connection pool was found in the process and the pod has no connection to a database port';
  return { kind: 'unknown', text: `could not be checked: ${why}` };
}
