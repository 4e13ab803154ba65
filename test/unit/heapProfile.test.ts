import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readHeapProfile } from '../../src/heap/v8/heapProfile.ts';
import { HeapFileError } from '../../src/heap/v8/heapFileError.ts';

const fixtures = new URL('./fixtures/v8/', import.meta.url).pathname;
const text = readFileSync(join(fixtures, 'buffers.heapprofile'), 'utf8');
const options = { source: 'buffers.heapprofile', takenAt: new Date(0) };

test('a Node 24 sampling profile: the loop that keeps arrays is the top site, 1-based, with its stack', () => {
  const report = readHeapProfile(text, options);
  const line = readFileSync(join(fixtures, 'make.cjs'), 'utf8').split('\n').findIndex((l) => l.includes('function keepBuffers')) + 1;
  const top = report.sites[0]!;
  assert.equal(top.functionName, 'keepBuffers');
  assert.ok(top.file.endsWith('/make.cjs'));
  assert.equal(top.line, line);
  assert.ok(top.count > 0 && top.bytes > 0);
  assert.equal(top.traceback?.[0]?.functionName, 'keepBuffers');
  assert.equal(report.totalBytes, report.sites.reduce((a, s) => a + s.bytes, 0));
});

test('a profile whose tree loops (a node id twice), or is too deep, or is not a profile, is refused', () => {
  const profile = JSON.parse(text);
  const child = profile.head.children[0];
  child.children = [...(child.children ?? []), { ...profile.head, children: [] }];
  assert.throws(() => readHeapProfile(profile, options), (e: unknown) => e instanceof HeapFileError && /appears twice/.test((e as Error).message));
  const frame = { functionName: 'f', url: 'file:///x.js', scriptId: '1', lineNumber: 0, columnNumber: 0 };
  let deep: Record<string, unknown> = { id: 1, selfSize: 0, callFrame: frame, children: [] };
  for (let i = 2; i < 10_100; i++) deep = { id: i, selfSize: 1, callFrame: frame, children: [deep] };
  assert.throws(() => readHeapProfile({ head: deep }, options), /deeper than/);
  assert.throws(() => readHeapProfile('{"head": 1}', options), /head is not an object/);
  assert.throws(() => readHeapProfile(text.slice(0, 500), options), /cut short/);
});
