import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeHeapSnapshot } from 'node:v8';
import { classRetainedSizes, dominatorTree, retainedSizes } from '../../src/heap/v8/dominators.ts';
import { HeapFileError } from '../../src/heap/v8/heapFileError.ts';
import { readHeapSnapshot } from '../../src/heap/v8/readSnapshot.ts';
import { NO_NODE } from '../../src/heap/v8/snapshotGraph.ts';

const fixtures = new URL('./fixtures/v8/', import.meta.url).pathname;
const fixture = join(fixtures, 'leaky.heapsnapshot');
const dir = mkdtempSync(join(tmpdir(), 'kmt-snapshot-'));

test('dominators and retained sizes of a hand-made graph: shared objects belong to the root, weak edges and unreachable nodes count for nothing', () => {
  // 0 -> 1, 0 -> 2, 1 -> 3, 2 -> 3, 3 -> 4, 1 -> 5, 4 -weak-> 5; node 6 unreachable
  const edges = [[1, 2], [3, 5], [3], [4], [NO_NODE], [], []];
  const firstEdge = new Uint32Array(edges.length + 1);
  edges.forEach((e, i) => { firstEdge[i + 1] = firstEdge[i]! + e.length; });
  const edgeTo = Uint32Array.from(edges.flat());
  const tree = dominatorTree(edges.length, firstEdge, edgeTo, 0);
  assert.deepEqual([...tree.idom], [0, 0, 0, 0, 3, 1, NO_NODE]);
  assert.equal(tree.order[tree.order.length - 1], 0);
  const self = Float64Array.from([0, 10, 20, 30, 40, 50, 60]);
  const retained = retainedSizes(self, tree);
  assert.deepEqual([...retained], [150, 60, 20, 70, 40, 50, 60]);
  // classes: 1 and 5 are A (5 inside 1: counted once), 3 and 4 are B, the rest C
  const classOf = Uint32Array.from([2, 0, 2, 1, 1, 0, 2]);
  assert.deepEqual([...classRetainedSizes(classOf, 3, retained, tree)], [60, 70, 150 + 60]);
});

test('a snapshot V8 wrote of this process: the kept objects by constructor, with their allocation site', async () => {
  class KeptByTheTest { n: number; constructor(n: number) { this.n = n; } }
  const kept = Array.from({ length: 1500 }, (_, i) => new KeptByTheTest(i));
  const file = writeHeapSnapshot(join(dir, 'self.heapsnapshot'));
  const phases = new Set<string>();
  const { report, maxNodeId } = await readHeapSnapshot(file, { onProgress: (p) => phases.add(p.phase) });
  assert.ok(kept.length);
  const group = report.groups!.find((g) => g.name === 'KeptByTheTest');
  assert.equal(group?.count, 1500);
  assert.ok(group.selfBytes > 0 && group.retainedBytes! >= group.selfBytes);
  assert.ok(phases.has('analyse'));
  assert.ok(maxNodeId > 0);
  assert.equal(report.runtime, 'node');
  assert.equal(report.method.measure, 'size');
  const total = report.groups!.reduce((a, g) => a + g.selfBytes, 0);
  assert.ok(total <= report.totalBytes);
});

test('the committed fixture: Leaky by constructor, its site 1-based at the class line of make.cjs; growth above a node id', async () => {
  const { report, maxNodeId } = await readHeapSnapshot(fixture);
  const leaky = report.groups!.find((g) => g.name === 'Leaky');
  assert.equal(leaky?.count, 300);
  const line = readFileSync(join(fixtures, 'make.cjs'), 'utf8').split('\n').findIndex((l) => l.startsWith('class Leaky')) + 1;
  const site = report.sites.find((s) => s.functionName === 'Leaky');
  assert.ok(site?.file.endsWith('/make.cjs'), site?.file);
  assert.equal(site!.line, line);
  assert.equal(site!.library, false);
  const grown = await readHeapSnapshot(fixture, { newerThanId: maxNodeId - 1 });
  assert.equal(grown.report.method.measure, 'growth');
  assert.equal(grown.report.groups!.reduce((a, g) => a + (g.growthCount ?? 0), 0), 1);
});

async function refused(content: string | Buffer, pattern: RegExp): Promise<void> {
  const file = join(dir, `bad-${Math.random()}.heapsnapshot`);
  writeFileSync(file, content);
  await assert.rejects(readHeapSnapshot(file), (e: unknown) => e instanceof HeapFileError && pattern.test(e.message));
}

test('cut short, corrupt and non-snapshot files are refused with a message saying so', async () => {
  const good = readFileSync(fixture);
  await refused(good.subarray(0, good.length - 100), /ends before/);
  await refused(good.subarray(0, 300), /ends before|meta/);
  await refused('', /ends before/);
  await refused('{"a": 1}', /does not begin with \{"snapshot":/);
  await refused(Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3]), /does not begin/);
  await refused(good.toString().replace('"nodes":[9,', '"nodes":[99,'), /type 99/);
  await refused(good.toString().replace('"edges":[', '"edges":[-1,'), /"edges" holds a negative number/);
  await refused(good.toString().replace(/"node_count":\d+/, '"node_count":999999999'), /more than a file/);
  await refused(good.toString().replace('"edges":[', '"edges":[1,1,6,'), /more than|not a node/);
});

test('a read is cancelled by its signal: the worker ends and the promise rejects at once', async () => {
  const controller = new AbortController();
  const read = readHeapSnapshot(fixture, { signal: controller.signal });
  controller.abort();
  await assert.rejects(read, { name: 'AbortError' });
  await assert.rejects(readHeapSnapshot(fixture, { signal: AbortSignal.abort() }), { name: 'AbortError' });
});

test('a missing file is a clear error', async () => {
  await assert.rejects(readHeapSnapshot(join(dir, 'nothing.heapsnapshot')), (e: unknown) => e instanceof HeapFileError && /ENOENT|no such file/.test((e as Error).message));
});
