import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PoolCheck, PoolFigures, PoolReport } from '../../src/triage/model.ts';
import { MAX_SOCKET_GROUPS, poolDescription, poolTooltip, poolView } from '../../src/views/poolRows.ts';
import { checkSummary, formatDuration, formatOutFor, formatOverflow, poolTotals, trendLine } from '../../src/webview/poolFormat.ts';

const pod = { context: 'kind', namespace: 'default', name: 'api-7c9f' };
const queue = (checkedOut: number, extra: Partial<PoolFigures> = {}): PoolFigures => ({
  foundAt: 'infrastructure.db:engine', url: 'postgresql://postgres@postgres:5432/orders', poolClass: 'QueuePool',
  size: 5, checkedIn: Math.max(0, 5 - checkedOut), checkedOut, overflow: checkedOut - 5, maxOverflow: 10, timeoutSeconds: 30, ...extra,
});
const pg = (count: number, state = 'ESTABLISHED') => ({ remoteAddress: '10.244.0.7', remotePort: 5432, state, count, service: 'PostgreSQL' });
const check = (at: number, pools: PoolFigures[], sockets: PoolCheck['sockets'] = [], problems: string[] = []): PoolCheck => ({ at: new Date(at), pools, sockets, problems });
const report = (checks: PoolCheck[], kind: PoolReport['verdict']['kind'] = 'leaking', text = 'connections leaking: checked out 3 → 9 in 30 s'): PoolReport => ({
  pod, container: 'api', pid: 1, checks, verdict: { kind, text }, method: 'SQLAlchemy pool read in the live process by gdb; sockets from /proc/net/tcp',
});

test('the tree row says checked out of size + max overflow, and the verdict in a word', () => {
  const r = report([check(0, [queue(3)], [pg(3)]), check(30_000, [queue(9)], [pg(9)])]);
  assert.equal(poolDescription(r), '9/15 checked out · leaking');
  assert.equal(poolDescription(report([check(0, [queue(15)])], 'exhausted')), '15/15 checked out · exhausted');
  // SQLAlchemy's max_overflow -1: no bound, so no "of"
  assert.equal(poolDescription(report([check(0, [queue(4, { maxOverflow: -1 })])], 'healthy')), '4 checked out · healthy');
});

test('without a pool the row counts the wire; with neither it says it could not be checked', () => {
  assert.equal(poolDescription(report([check(0, [], [pg(7), pg(2, 'TIME_WAIT'), { remoteAddress: '10.0.0.1', remotePort: 443, state: 'ESTABLISHED', count: 4 }])], 'unknown')), '7 connections to PostgreSQL · could not be checked');
  assert.equal(poolDescription(report([check(0, [], [], ['no /proc access'])], 'unknown', 'could not be checked: no /proc access')), 'could not be checked');
  assert.equal(poolDescription(report([], 'unknown')), 'could not be checked');
});

test('two pools add up; one that does not say its capacity leaves the total open', () => {
  assert.deepEqual(poolTotals([queue(3), queue(4)]), { checkedOut: 7, capacity: 30 });
  assert.deepEqual(poolTotals([queue(3), queue(4, { size: undefined })]), { checkedOut: 7, capacity: undefined });
  assert.deepEqual(poolTotals([{ foundAt: 'gc', poolClass: 'NullPool' }]), {});
});

test('the view keeps only finite, non-negative figures and bounded strings and lists', () => {
  const hostile = queue(3, { size: Number.NaN, checkedIn: -4, timeoutSeconds: Infinity, poolClass: 'X'.repeat(5000), outForSeconds: [12, -1, Number.NaN, 40] });
  const sockets = Array.from({ length: MAX_SOCKET_GROUPS + 30 }, (_, i) => ({ remoteAddress: `10.0.${i >> 8}.${i & 255}`, remotePort: 40000 + i, state: 'ESTABLISHED', count: 1 }));
  const view = poolView(report([check(5, [hostile], [...sockets, pg(9), { ...pg(1), remotePort: -5 }])]), 'default / api-7c9f / api');
  const p = view.checks[0]!.pools[0]!;
  assert.equal(p.size, undefined);
  assert.equal(p.checkedIn, undefined);
  assert.equal(p.timeoutSeconds, undefined);
  assert.equal(p.overflow, -2, 'a negative overflow is what QueuePool reports before it fills');
  assert.ok(p.poolClass.length <= 300);
  assert.deepEqual(p.outForSeconds, [12, 40]);
  const c = view.checks[0]!;
  assert.equal(c.sockets.length, MAX_SOCKET_GROUPS);
  assert.equal(c.socketsLeftOut, 31, 'the bad port is dropped, the rest beyond the bound counted');
  assert.deepEqual(c.sockets[0], pg(9), 'database ports come first');
  assert.equal(c.at, 5);
  assert.equal(view.pid, 1);
});

test('the tooltip has the verdict, each pool\'s figures, the database sockets, the times and the method', () => {
  const r = report([check(0, [queue(3)], [pg(3)]), check(30_000, [queue(9)], [pg(9), { remoteAddress: '10.0.0.1', remotePort: 443, state: 'ESTABLISHED', count: 2 }], ['Node pools: not a Node process'])]);
  const lines = poolTooltip(r, (d) => `t${d.getTime() / 1000}`).split('\n');
  assert.equal(lines[0], 'Database connections of api-7c9f / api: connections leaking: checked out 3 → 9 in 30 s');
  assert.equal(lines[1], 'infrastructure.db:engine (QueuePool, postgresql://postgres@postgres:5432/orders): size 5 · 9 checked out · 0 checked in · overflow 4/10 · timeout 30 s');
  assert.equal(lines[2], '9 ESTABLISHED to 10.244.0.7:5432 (PostgreSQL)');
  assert.equal(lines[3], '2 other sockets');
  assert.equal(lines[4], 'Node pools: not a Node process');
  assert.equal(lines[5], 'Checked at t0, t30');
  assert.match(lines[6]!, /^How: SQLAlchemy pool read/);
});

test('a check in a sentence, and the checked-out figures across checks', () => {
  assert.equal(checkSummary([queue(9)], [pg(9), pg(1, 'TIME_WAIT')]), '9 checked out of 15 (size + max overflow) in 1 pool; 9 ESTABLISHED sockets to PostgreSQL.');
  assert.equal(checkSummary([], []), 'No pool read in the process; no ESTABLISHED socket to a database port.');
  assert.equal(trendLine([{ at: 0, pools: [queue(3)] }, { at: 30_000, pools: [queue(6)] }, { at: 60_000, pools: [queue(9)] }]), 'Checked out 3 → 6 → 9 over 60 s.');
  assert.equal(trendLine([{ at: 0, pools: [queue(3)] }]), undefined);
  assert.equal(trendLine([{ at: 0, pools: [] }, { at: 1, pools: [queue(3)] }]), undefined);
});

test('durations, out-for lists and overflow in words', () => {
  assert.deepEqual([formatDuration(45.4), formatDuration(90), formatDuration(185), formatDuration(900), formatDuration(7800), formatDuration(7200)], ['45 s', '1 min 30 s', '3 min 5 s', '15 min', '2 h 10 min', '2 h']);
  assert.equal(formatOutFor([30, 185, 61, 2, 1]), '3 min 5 s, 61 s, 30 s +2 more');
  assert.equal(formatOutFor([]), '—');
  assert.equal(formatOverflow(queue(9)), '4/10');
  assert.equal(formatOverflow(queue(2, { maxOverflow: -1 })), '-3/no limit');
  assert.equal(formatOverflow({ foundAt: 'gc', poolClass: 'SingletonThreadPool' }), '—/—');
});
