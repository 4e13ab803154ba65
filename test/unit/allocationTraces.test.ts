// Two snapshots V8 wrote of this process, the second with allocation tracking (what the live Node
// capture takes): objects newer than the first snapshot's highest id are grouped by the function
// that allocated them, with its caller in the traceback; without tracking, sites stay V8's locations.
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { readHeapSnapshot } from '../../src/heap/v8/readSnapshot.ts';

const dir = mkdtempSync(join(tmpdir(), 'kmt-traces-'));
const here = fileURLToPath(import.meta.url);
const lineOf = (text: string) => readFileSync(here, 'utf8').split('\n').findIndex((l) => l.includes(text)) + 1;

function renderPayload(id: number): string {
  return JSON.stringify({ id, detail: 'x'.repeat(4000 + id) });
}
function keepPayloads(into: string[], n: number): void {
  for (let i = 0; i < n; i++) into.push(renderPayload(i));
}

function leafPayload(i: number): string {
  return JSON.stringify({ leaf: i, detail: 'y'.repeat(1000 + i) });
}
// every path of left/right calls ten deep: a trace tree of a few thousand nodes (V8 keeps 64 frames at most)
function left(i: number, depth: number, into: string[]): void {
  branch(i, depth, into);
}
function right(i: number, depth: number, into: string[]): void {
  branch(i, depth, into);
}
function branch(i: number, depth: number, into: string[]): void {
  if (depth === 0) into.push(leafPayload(i));
  else ((i >> (depth - 1)) & 1 ? left : right)(i, depth - 1, into);
}

/** A snapshot of this process, written to `name` in the test's directory: with allocation tracking around `allocate`, or plain. */
async function takeSnapshot(name: string, allocate?: () => void): Promise<string> {
  const file = join(dir, name);
  const session = new Session();
  session.connect();
  const onChunk = (m: { params: { chunk: string } }) => appendFileSync(file, m.params.chunk);
  session.on('HeapProfiler.addHeapSnapshotChunk', onChunk);
  try {
    await session.post('HeapProfiler.enable');
    if (allocate) {
      await session.post('HeapProfiler.startTrackingHeapObjects', { trackAllocations: true });
      allocate();
    }
    await session.post(allocate ? 'HeapProfiler.stopTrackingHeapObjects' : 'HeapProfiler.takeHeapSnapshot', { reportProgress: false });
    return file;
  } finally {
    session.disconnect();
  }
}

test('allocation-tracked snapshot after a first one: the growth is at the allocating function, 1-based, with its caller', async () => {
  const kept: string[] = [];
  const first = await takeSnapshot('first.heapsnapshot');
  const second = await takeSnapshot('second.heapsnapshot', () => keepPayloads(kept, 300));
  const { maxNodeId } = await readHeapSnapshot(first);
  const { report } = await readHeapSnapshot(second, { newerThanId: maxNodeId });
  const top = report.sites[0]!;
  assert.equal(top.file, here);
  assert.equal(top.functionName, 'renderPayload');
  assert.equal(top.line, lineOf('function renderPayload('));
  assert.equal(top.column, 'function renderPayload'.length + 1, 'the column of its parameter list, 1-based');
  // V8's tracker gave 252 to 306 of these 300 strings a trace in repeated runs (it loses some moved by a GC)
  assert.ok(top.growthBytes! >= 200 * 4000, `it grew by the kept strings (${top.growthBytes})`);
  assert.ok(top.growthCount! >= 200);
  assert.equal(top.traceback?.[1]?.functionName, 'keepPayloads');
  assert.match(report.method.notes!.join(' '), /V8 allocation tracking/);
  const strings = report.groups!.find((g) => g.name === '(string)');
  assert.ok(strings!.growthBytes! >= 300 * 4000, 'by constructor, every new string counts');
  // the first snapshot, untracked: its sites come from V8's locations
  const plain = await readHeapSnapshot(first);
  assert.match(plain.report.method.notes!.join(' '), /V8 "locations"/);
  assert.equal(kept.length, 300);
});

test('a wide trace tree (more numbers than a batch of the tokenizer): one site for all its paths, the traceback cut at 20 frames', async () => {
  const kept: string[] = [];
  const file = await takeSnapshot('wide.heapsnapshot', () => {
    for (let i = 0; i < 1024; i++) branch(i, 10, kept);
  });
  const tree = JSON.parse(readFileSync(file, 'utf8')).trace_tree as unknown[];
  assert.ok(JSON.stringify(tree).split(',').length > 1 << 14, 'the trace tree spans batches');
  const { report } = await readHeapSnapshot(file);
  const site = report.sites.find((s) => s.functionName === 'leafPayload');
  assert.ok(site, 'leafPayload is a site');
  assert.equal(site.line, lineOf('function leafPayload('));
  assert.equal(site.traceback?.length, 20);
  assert.equal(site.traceback![1]!.functionName, 'branch');
  assert.ok(site.traceback!.every((f) => ['leafPayload', 'branch', 'left', 'right'].includes(f.functionName!) && f.file === here));
  assert.ok(site.count >= 700, `most of the 1024 strings through 1024 paths are at the one site (${site.count})`);
  assert.equal(report.sites.filter((s) => s.functionName === 'leafPayload').length, 1);
  assert.equal(kept.length, 1024);
});

test('a trace tree whose brackets do not close is refused with a clear message', async () => {
  const file = await takeSnapshot('tracked.heapsnapshot', () => keepPayloads([], 5));
  const text = readFileSync(file, 'utf8');
  const at = text.indexOf('"trace_tree":[') + '"trace_tree":['.length;
  // a trace node of three numbers where V8 writes four and its children
  const cut = join(dir, 'cut.heapsnapshot');
  appendFileSync(cut, `${text.slice(0, at)}1,0,0${text.slice(text.indexOf('],"samples"'))}`);
  await assert.rejects(readHeapSnapshot(cut), /Not a readable V8 heap snapshot/);
});
