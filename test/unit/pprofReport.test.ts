import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { PprofError } from '../../src/heap/go/pprofProfile.ts';
import { mapPath, WorkspaceIndex } from '../../src/heap/pathMapping.ts';
import { liveReport, readPprof } from '../../src/heap/go/pprofReport.ts';

// Real profiles of test/cluster/workloads/go-api built with Debian's Go 1.19 (go build -trimpath),
// run with LEAK_KB_PER_REQUEST=64 REQUESTS_PER_SECOND=20 LOOKUP_TABLE_MB=8:
// go-api-heap.pb.gz = /debug/pprof/heap?gc=1 after ~10 s, go-api-heap-delta.pb.gz = ?seconds=8.
const fixture = (name: string) => readFileSync(new URL(`fixtures/go/${name}`, import.meta.url));
const heap = fixture('go-api-heap.pb.gz');
const delta = fixture('go-api-heap-delta.pb.gz');
const goMain = readFileSync(new URL('../cluster/workloads/go-api/main.go', import.meta.url), 'utf8').split('\n');
const lineOf = (text: string) => goMain.findIndex((l) => l.includes(text)) + 1;

test('a real Go heap profile: the biggest sites are the page cache line and the lookup table line, in the service\'s own code', () => {
  const r = readPprof(heap, { sourceFile: '/tmp/heap.pb.gz' });
  assert.equal(r.runtime, 'go');
  assert.equal(r.method.measure, 'size');
  assert.equal(r.sourceFile, '/tmp/heap.pb.gz');
  const [first, second] = r.sites;
  assert.deepEqual([first.file, first.line, first.functionName, first.library], ['example.com/go-api/main.go', lineOf('page := make([]byte'), 'main.renderPage', false]);
  assert.deepEqual([second.file, second.line, second.functionName], ['example.com/go-api/main.go', lineOf('row := make([]byte, 1<<20)'), 'main.buildLookupTable']);
  // 8 MiB of table, sampled: the estimate is within a factor of two
  assert.ok(second.bytes > 4 * 1048576 && second.bytes < 16 * 1048576, `${second.bytes}`);
  assert.ok(first.traceback && first.traceback.length > 1 && first.traceback[0].functionName === 'main.renderPage');
  assert.ok(first.traceback.some((f) => f.functionName === 'net/http.HandlerFunc.ServeHTTP' && f.library));
  assert.equal(r.totalBytes, r.sites.reduce((a, s) => a + s.bytes, 0));
  assert.equal(r.sites.find((s) => s.functionName === 'runtime.malg')?.library, true);
});

test('a -trimpath file name (module path) maps to the workspace file by its suffix, not to another main.go', () => {
  const [top] = readPprof(heap).sites;
  const index = new WorkspaceIndex(['/ws/cmd/tool/main.go', '/ws/test/cluster/workloads/go-api/main.go', '/ws/test/cluster/workloads/go-api/go.mod']);
  assert.deepEqual(mapPath(top.file, [], index), { kind: 'mapped', path: '/ws/test/cluster/workloads/go-api/main.go', by: 'suffix' });
});

test('alloc_space counts everything allocated, so it is at least what is alive', () => {
  const inuse = readPprof(heap);
  const alloc = readPprof(heap, { sampleType: 'alloc_space' });
  assert.ok(alloc.totalBytes >= inuse.totalBytes);
  assert.match(alloc.method.description, /alloc_space/);
});

test('a delta profile is read as growth over its duration', () => {
  const r = readPprof(delta);
  assert.equal(r.method.measure, 'growth');
  assert.equal(r.method.windowSeconds, 8);
  assert.equal(r.sites[0].functionName, 'main.renderPage');
  assert.ok((r.sites[0].growthBytes ?? 0) > 0);
  assert.ok(!r.sites.some((s) => s.functionName === 'main.buildLookupTable' && (s.growthBytes ?? 0) > 0));
});

test('live: growth is end minus start per site; a site that did not change is not growth', () => {
  const r = liveReport({ start: heap, end: heap, windowSeconds: 10, pod: { context: 'c', namespace: 'n', name: 'p' }, container: 'api', port: 6060, sampleType: 'inuse_space' });
  assert.equal(r.growthBytes, 0);
  assert.ok(r.sites.length > 0 && r.sites.every((s) => s.growthBytes === 0));
  assert.equal(r.method.measure, 'growth');
});

test('bad input: not gzipped, not a profile, truncated, a bomb, a CPU-style profile: a clear PprofError', () => {
  const cases: [Uint8Array, RegExp][] = [
    [new Uint8Array(), /empty/],
    [Buffer.from('{"not":"a profile"}'), /neither gzip-compressed .* nor a profile protobuf/],
    [gzipSync(Buffer.from('hello, this is text')), /gzip-compressed, but what it holds is not a profile/],
    [heap.subarray(0, heap.length / 2), /truncated or corrupt/],
    [gzipSync(Buffer.alloc(260 * 1048576), { level: 1 }), /unpacks to more than 256 MiB/],
  ];
  for (const [bytes, message] of cases) assert.throws(() => readPprof(bytes), (e: unknown) => e instanceof PprofError && message.test(e.message));
  // the same profile with its sample types renamed, as a CPU profile would have them
  const raw = gunzipSync(heap);
  const renamed = Buffer.from(raw.toString('latin1').replace('inuse_space', 'cpu_samples'), 'latin1');
  assert.throws(() => readPprof(gzipSync(renamed)), /not a Go heap profile.*cpu_samples/i);
});

/** A small deterministic PRNG, so a failure is reproducible from its case number. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32);
}

function mutate(base: Uint8Array, rnd: () => number): Uint8Array {
  const b = Buffer.from(base);
  const kind = Math.floor(rnd() * 4);
  if (kind === 0) return b.subarray(0, Math.floor(rnd() * b.length)); // truncated
  const flips = 1 + Math.floor(rnd() * 8);
  for (let i = 0; i < flips; i++) {
    const at = Math.floor(rnd() * b.length);
    if (kind === 1) b[at] ^= 1 << Math.floor(rnd() * 8);
    else if (kind === 2) b[at] = Math.floor(rnd() * 256);
    else b[at] = [0x00, 0xff, 0x7f, 0x80][Math.floor(rnd() * 4)];
  }
  return b;
}

test('fuzz: 1,500 mutations of the real profiles, compressed and not: each reads or is refused with a PprofError, none hangs', () => {
  const bases = [heap, delta, gunzipSync(heap), gunzipSync(delta)];
  const rnd = prng(13);
  let refused = 0;
  let read = 0;
  for (let i = 0; i < 1500; i++) {
    const input = mutate(bases[i % bases.length], rnd);
    const started = performance.now();
    try {
      const r = readPprof(input);
      assert.ok(Array.isArray(r.sites) && Number.isFinite(r.totalBytes), `case ${i}`);
      for (const s of r.sites) assert.ok(Number.isFinite(s.bytes) && Number.isSafeInteger(s.line), `case ${i}`);
      read++;
    } catch (err) {
      assert.ok(err instanceof PprofError, `case ${i}: ${err instanceof Error ? err.stack : String(err)}`);
      refused++;
    }
    assert.ok(performance.now() - started < 2000, `case ${i} took ${performance.now() - started} ms`);
  }
  assert.equal(read + refused, 1500);
  assert.ok(refused > 100, `${refused} refused`);
});
