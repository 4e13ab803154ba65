import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readHeapSnapshot } from '../../src/heap/v8/readSnapshot.ts';
import { summarize } from '../../src/heap/v8/snapshotSummary.ts';
import { SnapshotTokenizer } from '../../src/heap/v8/snapshotTokenizer.ts';

// The streaming reader against a plain reference on the committed real snapshot: the file through
// JSON.parse, and each object's retained set by brute force (what is no longer reachable from the
// root once the object is taken away), with none of the reader's typed arrays, postorder or dominator tree.
const fixture = join(new URL('./fixtures/v8/', import.meta.url).pathname, 'leaky.heapsnapshot');

interface Raw {
  snapshot: { meta: { node_fields: string[]; edge_fields: string[]; node_types: [string[]]; edge_types: [string[]]; location_fields: string[] } };
  nodes: number[];
  edges: number[];
  locations: number[];
  strings: string[];
}

function reference(raw: Raw) {
  const { meta } = raw.snapshot;
  const nf = meta.node_fields.length;
  const ef = meta.edge_fields.length;
  const col = (name: string) => meta.node_fields.indexOf(name);
  const n = raw.nodes.length / nf;
  const field = (v: number, name: string) => raw.nodes[v * nf + col(name)]!;
  const types = meta.node_types[0];
  const edgeTypes = meta.edge_types[0];
  const out: number[][] = [];
  for (let v = 0, e = 0; v < n; v++) {
    const targets: number[] = [];
    for (let k = 0; k < field(v, 'edge_count'); k++, e += ef) {
      const type = edgeTypes[raw.edges[e]!]!;
      if (type === 'weak' || (type === 'shortcut' && v !== 0)) continue;
      targets.push(raw.edges[e + meta.edge_fields.indexOf('to_node')]! / nf);
    }
    out.push(targets);
  }
  const reach = (without: number) => {
    const seen = new Array<boolean>(n).fill(false);
    if (without === 0) return seen;
    const queue = [0];
    seen[0] = true;
    while (queue.length) for (const w of out[queue.pop()!]!) if (w !== without && !seen[w]) queue.push(w), (seen[w] = true);
    return seen;
  };
  const all = reach(-1);
  // dominated[v]: the objects only reachable through v, v included
  const dominated = Array.from({ length: n }, (_, v) => {
    if (!all[v]) return [v];
    const left = reach(v);
    return [...Array(n).keys()].filter((w) => all[w] && !left[w]);
  });
  const self = (v: number) => field(v, 'self_size');
  const fixed: Record<string, string> = { hidden: '(system)', code: '(compiled code)', closure: '(closure)', regexp: 'RegExp' };
  const className = (v: number) => {
    const type = types[field(v, 'type')]!;
    return type === 'object' || type === 'native' ? raw.strings[field(v, 'name')] || '(anonymous)' : fixed[type] ?? `(${type})`;
  };
  const insideSameClass = new Array<boolean>(n).fill(false);
  for (let u = 0; u < n; u++) for (const w of dominated[u]!) if (w !== u && className(w) === className(u)) insideSameClass[w] = true;
  const groups = new Map<string, { count: number; selfBytes: number; retainedBytes: number }>();
  for (let v = 0; v < n; v++) {
    const g = groups.get(className(v)) ?? { count: 0, selfBytes: 0, retainedBytes: 0 };
    g.count++;
    g.selfBytes += self(v);
    if (!insideSameClass[v]) g.retainedBytes += dominated[v]!.reduce((a, w) => a + self(w), 0);
    groups.set(className(v), g);
  }
  groups.delete('(synthetic)');
  const lf = meta.location_fields;
  const sites = new Map<string, { line: number; column: number; functionName: string; bytes: number; count: number }>();
  for (let k = 0; k < raw.locations.length; k += lf.length) {
    const at = (name: string) => raw.locations[k + lf.indexOf(name)]!;
    const v = at('object_index') / nf;
    const key = `${at('script_id')}:${at('line')}:${at('column')}`;
    const site = sites.get(key) ?? { line: at('line') + 1, column: at('column') + 1, functionName: className(v), bytes: 0, count: 0 };
    if (types[field(v, 'type')] === 'closure' && raw.strings[field(v, 'name')]) site.functionName = raw.strings[field(v, 'name')]!;
    site.bytes += self(v);
    site.count++;
    sites.set(key, site);
  }
  let total = 0;
  for (let v = 0; v < n; v++) total += self(v);
  return { groups, sites: [...sites.values()], total, n };
}

const bySite = (a: { line: number; column?: number; bytes: number }, b: typeof a) => a.line - b.line || (a.column ?? 0) - (b.column ?? 0) || a.bytes - b.bytes;

test('the reader\'s summary of a real snapshot equals a JSON.parse and brute-force reference: every constructor and every site', async () => {
  const raw = JSON.parse(readFileSync(fixture, 'utf8')) as Raw;
  const want = reference(raw);
  const { report, maxNodeId } = await readHeapSnapshot(fixture);
  assert.equal(report.totalCount, want.n);
  assert.equal(report.totalBytes, want.total);
  assert.equal(maxNodeId, Math.max(...raw.nodes.filter((_, i) => i % raw.snapshot.meta.node_fields.length === raw.snapshot.meta.node_fields.indexOf('id'))));
  const got = new Map(report.groups!.map((g) => [g.name, { count: g.count, selfBytes: g.selfBytes, retainedBytes: g.retainedBytes }]));
  assert.deepEqual(got, want.groups);
  const sites = report.sites.map(({ line, column, functionName, bytes, count }) => ({ line, column, functionName, bytes, count }));
  assert.deepEqual(sites.sort(bySite), want.sites.sort(bySite));
  assert.ok(want.groups.get('Leaky')!.retainedBytes > want.groups.get('Leaky')!.selfBytes, 'the fixture\'s leak retains its labels');
});

test('a shortcut edge from an object other than the root does not retain: the reader and the reference agree on a hand-made snapshot', async () => {
  const { meta } = (JSON.parse(readFileSync(fixture, 'utf8')) as Raw).snapshot;
  const type = (name: string) => meta.node_types[0].indexOf(name);
  const edge = (name: string) => meta.edge_types[0].indexOf(name);
  const nf = meta.node_fields.length;
  // root -> A -> B; root -> C -shortcut-> B. Fields in meta's order: type, name, id, self_size, edge_count, detachedness
  const row = (t: string, name: number, id: number, size: number, edges: number) => meta.node_fields.map((f) => ({ type: type(t), name, id, self_size: size, edge_count: edges })[f as 'type'] ?? 0);
  const raw = {
    snapshot: { meta, node_count: 4, edge_count: 4, trace_function_count: 0 },
    nodes: [...row('synthetic', 0, 1, 0, 2), ...row('object', 1, 3, 10, 1), ...row('object', 2, 5, 100, 0), ...row('object', 3, 7, 20, 1)],
    edges: [edge('element'), 1, 1 * nf, edge('element'), 2, 3 * nf, edge('property'), 4, 2 * nf, edge('shortcut'), 4, 2 * nf],
    locations: [],
    strings: ['', 'A', 'B', 'C', 'next'],
  };
  const file = join(mkdtempSync(join(tmpdir(), 'kmt-shortcut-')), 'shortcut.heapsnapshot');
  writeFileSync(file, JSON.stringify(raw));
  const want = reference(raw as unknown as Raw);
  const { report } = await readHeapSnapshot(file);
  assert.deepEqual(new Map(report.groups!.map((g) => [g.name, { count: g.count, selfBytes: g.selfBytes, retainedBytes: g.retainedBytes }])), want.groups);
  assert.equal(want.groups.get('A')!.retainedBytes, 110);
});

test('the same summary whatever the chunk size: numbers, strings and escapes cut anywhere by the chunks', () => {
  // the constructor's name written with an escape, so that chunks cut it too
  const text = readFileSync(fixture, 'utf8');
  const at = text.indexOf('"strings":');
  const bytes = Buffer.from(text.slice(0, at) + text.slice(at).replace('"Leaky"', '"Le\\u0061ky"'));
  assert.ok(bytes.includes('Le\\u0061ky'));
  const read = (size: number) => {
    const tokenizer = new SnapshotTokenizer(bytes.length);
    for (let i = 0; i < bytes.length; i += size) tokenizer.push(bytes.subarray(i, i + size));
    return summarize(tokenizer.end(), { source: 'chunks', takenAt: new Date(0) });
  };
  const whole = read(bytes.length);
  assert.equal(whole.report.groups!.find((g) => g.name === 'Leaky')?.count, 300);
  for (const size of [1, 2, 7, 4096]) assert.deepEqual(read(size), whole, `chunks of ${size} bytes`);
});
