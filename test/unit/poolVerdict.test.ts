import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PoolCheck, PoolFigures, SocketGroup } from '../../src/triage/model.ts';
import { grows, POOL_PROBLEM, poolCapacity, poolVerdict, SOCKETS_PROBLEM } from '../../src/triage/poolVerdict.ts';

const T0 = Date.parse('2026-12-02T17:00:00Z');
const pool = (checkedOut: number, more: Partial<PoolFigures> = {}): PoolFigures => ({
  foundAt: 'infrastructure.db:engine', url: 'postgresql://postgres:***@postgres:5432/orders', poolClass: 'QueuePool',
  size: 5, maxOverflow: 10, timeoutSeconds: 2, checkedOut, checkedIn: Math.max(0, 5 - checkedOut), overflow: Math.max(-5, checkedOut - 5), ...more,
});
const pg = (count: number): SocketGroup => ({ remoteAddress: '10.244.1.5', remotePort: 5432, state: 'ESTABLISHED', count, service: 'PostgreSQL' });
const check = (i: number, pools: PoolFigures[], sockets: SocketGroup[] = [], problems: string[] = []): PoolCheck => ({ at: new Date(T0 + i * 30_000), pools, sockets, problems });

test('growth: never falls and rises by two or more', () => {
  assert.equal(grows([3, 9]), true);
  assert.equal(grows([3, 4]), false, 'one more is one more concurrent request');
  assert.equal(grows([3, 5, 4, 6]), false, 'it fell once: busy, not leaking');
  assert.equal(grows([3, 3, 5]), true);
  assert.equal(grows([9]), false);
  assert.equal(grows([9, 1]), false);
});

test('capacity: size + max overflow; no limit with -1', () => {
  assert.equal(poolCapacity(pool(0)), 15);
  assert.equal(poolCapacity(pool(0, { maxOverflow: -1 })), undefined);
  assert.equal(poolCapacity(pool(0, { maxOverflow: undefined })), 5);
  assert.equal(poolCapacity({ foundAt: 'gc', poolClass: 'NullPool' }), undefined);
});

test('checked out rising across two checks: leaking, with the figures', () => {
  const v = poolVerdict([check(0, [pool(3)], [pg(4)]), check(1, [pool(9)], [pg(10)])]);
  assert.equal(v.kind, 'leaking');
  assert.equal(v.text, 'connections leaking: 3 -> 9 checked out in 30 s (pool 5 + overflow 10) on postgresql://postgres:***@postgres:5432/orders; ESTABLISHED to PostgreSQL :5432 4 -> 10');
});

test('at size + max overflow: exhausted, even when it was already there at the first check', () => {
  const v = poolVerdict([check(0, [pool(12)]), check(1, [pool(15)])]);
  assert.equal(v.kind, 'exhausted');
  assert.equal(v.text, 'pool exhausted: 15 of 15 checked out (pool 5 + overflow 10) on postgresql://postgres:***@postgres:5432/orders; a request waits 2 s for one, then fails; 12 -> 15 in 30 s');
  assert.equal(poolVerdict([check(0, [pool(15)])]).kind, 'exhausted', 'one check is enough to see it');
  // No checked-out figure, but every overflow connection made and none checked in.
  assert.equal(poolVerdict([check(0, [pool(0, { checkedOut: undefined, overflow: 10, checkedIn: 0 })])]).kind, 'exhausted');
  assert.equal(poolVerdict([check(0, [pool(0, { checkedOut: undefined, overflow: 10, checkedIn: 3 })])]).kind, 'unknown');
  assert.equal(poolVerdict([check(0, [pool(40, { maxOverflow: -1 })]), check(1, [pool(40, { maxOverflow: -1 })])]).kind, 'healthy', 'an unlimited pool is never exhausted');
});

test('a busy pool that goes up and down, or one more out: healthy', () => {
  const v = poolVerdict([check(0, [pool(1)], [pg(2)]), check(1, [pool(2)], [pg(2)]), check(2, [pool(0)], [pg(2)])]);
  assert.equal(v.kind, 'healthy');
  assert.equal(v.text, 'healthy: 1 -> 2 -> 0 checked out in 60 s (pool 5 + overflow 10) on postgresql://postgres:***@postgres:5432/orders; ESTABLISHED to PostgreSQL :5432 2 -> 2 -> 2');
});

test('one check only: unknown, asking for another', () => {
  const v = poolVerdict([check(0, [pool(3)], [pg(3)])]);
  assert.equal(v.kind, 'unknown');
  assert.match(v.text, /^one check: 3 of 15 checked out \(pool 5 \+ overflow 10\) .*check again to tell a leak from a busy pool; ESTABLISHED to PostgreSQL :5432 3$/);
});

test('the pool could not be read: the sockets still judge, and the text says what was not measured', () => {
  const problem = `${POOL_PROBLEM}: the image of api has no gdb and the debug container was refused.`;
  const leak = poolVerdict([check(0, [], [pg(3)], [problem]), check(1, [], [pg(8)], [problem])]);
  assert.equal(leak.kind, 'leaking');
  assert.equal(leak.text, `connections leaking: ESTABLISHED to PostgreSQL :5432 3 -> 8 in 30 s (${problem})`);
  const steady = poolVerdict([check(0, [], [pg(3)], [problem]), check(1, [], [pg(3)], [problem])]);
  assert.equal(steady.kind, 'healthy');
  assert.equal(steady.text, `healthy on the wire: ESTABLISHED to PostgreSQL :5432 3 -> 3 in 30 s (${problem})`);
  const none = poolVerdict([check(0, [], [], [problem]), check(1, [], [], [problem])]);
  assert.deepEqual(none, { kind: 'unknown', text: `could not be checked: ${problem}` });
});

test('the sockets could not be read: their zero is not counted as a figure', () => {
  const problem = `${SOCKETS_PROBLEM}: the image has no head and no debug container runs.`;
  const v = poolVerdict([check(0, [pool(1)], [], [problem]), check(1, [pool(1)], [], [problem])]);
  assert.equal(v.kind, 'healthy');
  assert.doesNotMatch(v.text, /ESTABLISHED/);
  // The first check read them, the second did not: one figure, no growth from 4 to "0".
  const mixed = poolVerdict([check(0, [pool(1)], [pg(4)]), check(1, [pool(1)], [], [problem])]);
  assert.equal(mixed.kind, 'healthy');
  assert.match(mixed.text, /ESTABLISHED to PostgreSQL :5432 4$/);
});

test('sockets that grow while the pool we read does not: leaking (connections made outside it), and more than it allows', () => {
  const v = poolVerdict([check(0, [pool(1)], [pg(3)]), check(1, [pool(1)], [pg(18)])]);
  assert.equal(v.kind, 'leaking');
  assert.match(v.text, /^connections leaking: ESTABLISHED to PostgreSQL :5432 3 -> 18 in 30 s; healthy: 1 -> 1 checked out/);
  assert.match(v.text, /more connections to databases than the pools allow \(15\): some are made outside them$/);
});

test('several pools: the worst decides; pools are matched by where they were found', () => {
  const other = (o: number) => pool(o, { foundAt: 'gc', url: 'mysql://app:***@mysql:3306/billing' });
  const v = poolVerdict([check(0, [pool(1), other(2)]), check(1, [other(7), pool(1)])]);
  assert.equal(v.kind, 'leaking');
  assert.equal(v.text, 'connections leaking: 2 -> 7 checked out in 30 s (pool 5 + overflow 10) on mysql://app:***@mysql:3306/billing');
  // A pool first seen at the second check has one figure: not enough to call it.
  const late = poolVerdict([check(0, [pool(1)]), check(1, [pool(1), other(9)])]);
  assert.equal(late.kind, 'healthy');
});

test('nothing at all: no checks, or no pool and no database connection', () => {
  assert.deepEqual(poolVerdict([]), { kind: 'unknown', text: 'could not be checked: no check was made' });
  assert.equal(poolVerdict([check(0, [], [])]).text, 'could not be checked: no connection pool was found in the process and the pod has no connection to a database port');
});
