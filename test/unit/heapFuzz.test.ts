import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readHeapProfile } from '../../src/heap/v8/heapProfile.ts';
import { HeapFileError } from '../../src/heap/v8/heapFileError.ts';
import { summarize } from '../../src/heap/v8/snapshotSummary.ts';
import { SnapshotTokenizer } from '../../src/heap/v8/snapshotTokenizer.ts';

// Mutated real fixtures through each reader (the snapshot reader's code in this thread, as its
// worker runs it): every input either reads or fails with HeapFileError, and each in bounded time.
const fixtures = new URL('./fixtures/v8/', import.meta.url).pathname;
const INPUTS = 1000;
const BOUND_MS = 5000;

/** A small deterministic generator, so a failure can be replayed from its seed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

const DIGITS_AND_PUNCTUATION = Buffer.from('0123456789,[]{}":-\\u');

function mutate(input: Buffer, r: () => number): Buffer {
  const kind = Math.floor(r() * 4);
  const at = Math.floor(r() * input.length);
  if (kind === 0) return input.subarray(0, at); // cut short
  const out = Buffer.from(input);
  if (kind === 1) {
    for (let k = 0, n = 1 + Math.floor(r() * 8); k < n; k++) out[Math.floor(r() * out.length)] = Math.floor(r() * 256); // byte flips
    return out;
  }
  if (kind === 2) {
    for (let k = 0, n = 1 + Math.floor(r() * 8); k < n; k++) out[Math.floor(r() * out.length)] = DIGITS_AND_PUNCTUATION[Math.floor(r() * DIGITS_AND_PUNCTUATION.length)]!;
    return out;
  }
  // splice: a piece of the file copied over another place
  const from = Math.floor(r() * input.length);
  const len = Math.floor(r() * 2000);
  return Buffer.concat([input.subarray(0, at), input.subarray(from, from + len), input.subarray(at + Math.floor(r() * 200))]);
}

function fuzz(name: string, read: (b: Buffer) => unknown): void {
  const input = readFileSync(join(fixtures, name));
  const r = random(13);
  let refused = 0;
  let slowest = 0;
  for (let i = 0; i < INPUTS; i++) {
    const bytes = mutate(input, r);
    const t = performance.now();
    try {
      read(bytes);
    } catch (e) {
      if (!(e instanceof HeapFileError)) assert.fail(`input ${i} of ${name}: ${(e as Error).stack}`);
      refused++;
    }
    slowest = Math.max(slowest, performance.now() - t);
    assert.ok(performance.now() - t < BOUND_MS, `input ${i} of ${name} took ${performance.now() - t} ms`);
  }
  assert.ok(refused > INPUTS / 4, `only ${refused} of ${INPUTS} mutated inputs were refused`);
}

test(`${INPUTS} mutated heap snapshots: read or refused with HeapFileError, none crashes or hangs`, () => {
  fuzz('leaky.heapsnapshot', (bytes) => {
    const tokenizer = new SnapshotTokenizer(bytes.length);
    for (let i = 0; i < bytes.length; i += 4096) tokenizer.push(bytes.subarray(i, i + 4096));
    return summarize(tokenizer.end(), { source: 'fuzz', takenAt: new Date(0) });
  });
});

test(`${INPUTS} mutated heap profiles: read or refused with HeapFileError, none crashes or hangs`, () => {
  fuzz('buffers.heapprofile', (bytes) => readHeapProfile(bytes.toString('utf8'), { source: 'fuzz', takenAt: new Date(0) }));
});
