import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InFlight } from '../../src/cluster/inFlight.ts';

test('overlapping runs share one; after it settles the next call starts anew', async () => {
  const shared = new InFlight<number>();
  let started = 0;
  const work = () => new Promise<number>((resolve) => setTimeout(() => resolve(++started), 10));
  const [a, b] = await Promise.all([shared.run(work), shared.run(work)]);
  assert.deepEqual([a, b, started], [1, 1, 1]);
  assert.equal(shared.active, false);
  assert.equal(await shared.run(work), 2);
});

test('a failed run is shared too, and does not stick', async () => {
  const shared = new InFlight<number>();
  const fail = () => Promise.reject(new Error('no'));
  await assert.rejects(Promise.all([shared.run(fail), shared.run(fail)]), /no/);
  assert.equal(await shared.run(async () => 7), 7);
});

test('forget: the next call starts afresh, and the forgotten run settling does not clear it', async () => {
  const shared = new InFlight<string>();
  let release!: (v: string) => void;
  const old = shared.run(() => new Promise((r) => (release = r)));
  shared.forget();
  const next = new Promise<string>((r) => setTimeout(() => r('next'), 20));
  const current = shared.run(() => next);
  release('old');
  assert.equal(await old, 'old');
  assert.equal(shared.active, true);
  assert.equal(shared.run(async () => 'third'), current);
  assert.equal(await current, 'next');
});
