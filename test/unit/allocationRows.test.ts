import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AllocationReport, AllocationSite } from '../../src/triage/model.ts';
import { allocationRows, allocationsView, MAX_ROWS } from '../../src/views/allocationRows.ts';
import type { SiteLocation } from '../../src/webview/protocol.ts';

const site = (line: number, bytes: number, growthBytes?: number, extra: Partial<AllocationSite> = {}): AllocationSite => ({
  file: '/app/handlers.py', line, functionName: 'handle', bytes, count: line * 10, growthBytes, ...extra,
});

const report = (sites: readonly AllocationSite[], method: Partial<AllocationReport['method']> = {}): AllocationReport => ({
  pod: { context: 'kind', namespace: 'default', name: 'api-leaky-0' },
  container: 'api',
  runtime: 'python',
  takenAt: new Date('2026-12-02T10:42:00Z'),
  totalBytes: 1000,
  growthBytes: 600,
  sites,
  method: { description: 'tracemalloc via gdb', measure: 'growth', windowSeconds: 30, notes: ['tracemalloc was off'], ...method },
});

const mapped = (file: string): SiteLocation => ({ kind: 'mapped', label: file.replace('/app/', 'services/api/') });

test('rows come by growth, keep their index in the report as id, and carry share and growth per minute', () => {
  const rows = allocationRows(report([site(1, 100, 10), site(2, 400, 300), site(3, 50, 120)]), mapped);
  assert.deepEqual(rows.map((r) => r.id), [1, 2, 0]);
  const top = rows[0]!;
  assert.equal(top.line, 2);
  assert.equal(top.share, 0.4);
  // 300 bytes in 30 s is 600 bytes a minute
  assert.equal(top.growthPerMinute, 600);
  assert.equal(top.count, 20);
  assert.deepEqual(top.location, { kind: 'mapped', label: 'services/api/handlers.py' });
});

test('a size capture orders by size and has no growth per minute', () => {
  const rows = allocationRows(report([site(1, 100), site(2, 400), site(3, 50)], { measure: 'size', windowSeconds: undefined }), mapped);
  assert.deepEqual(rows.map((r) => r.id), [1, 0, 2]);
  assert.equal(rows[0]!.growthPerMinute, undefined);
  assert.equal(rows[0]!.growthBytes, undefined);
});

test('growth without a window gives no rate; a zero total gives share 0, never NaN; share stays within 0..1', () => {
  const noWindow = allocationRows(report([site(1, 100, 50)], { windowSeconds: 0 }), mapped);
  assert.equal(noWindow[0]!.growthPerMinute, undefined);
  const zero = allocationRows({ ...report([site(1, 100, 50)]), totalBytes: 0 }, mapped);
  assert.equal(zero[0]!.share, 0);
  const over = allocationRows(report([site(1, 5000, 50), site(2, Number.NaN, 10)]), mapped);
  assert.equal(over[0]!.share, 1);
  assert.equal(over[1]!.bytes, 0);
  assert.equal(over[1]!.share, 0);
});

test('library: from the site when it says, else a site whose frames are all library code', () => {
  const lib = { file: '/usr/lib/python3.12/json/decoder.py', line: 353, library: true };
  const own = { file: '/app/handlers.py', line: 12, library: false };
  const rows = allocationRows(
    report([
      site(1, 10, 40, { library: true, traceback: [own] }),
      site(2, 10, 30, { traceback: [lib, lib] }),
      site(3, 10, 20, { traceback: [lib, own] }),
      site(4, 10, 10),
    ]),
    mapped,
  );
  assert.deepEqual(rows.map((r) => [r.id, r.library]), [[0, true], [1, true], [2, false], [3, false]]);
  assert.deepEqual(rows[1]!.traceback, [
    { file: lib.file, line: 353, functionName: undefined, library: true },
    { file: lib.file, line: 353, functionName: undefined, library: true },
  ]);
  assert.deepEqual(rows[3]!.traceback, []);
});

test(`only the top ${MAX_ROWS} rows go to the page, and each file is looked up once`, () => {
  const sites = Array.from({ length: MAX_ROWS + 100 }, (_, i) => site(i + 1, 1, i, { file: `/app/m${i % 7}.py` }));
  const asked: string[] = [];
  const rows = allocationRows(report(sites), (file) => (asked.push(file), { kind: 'unmatched' }));
  assert.equal(rows.length, MAX_ROWS);
  assert.equal(rows[0]!.id, MAX_ROWS + 99); // the biggest growth
  assert.equal(rows.at(-1)!.id, 100);
  assert.equal(asked.length, 7);
  assert.equal(new Set(asked).size, 7);
});

test('the view carries the figures the summary line says', () => {
  const view = allocationsView(report([site(12, 400, 300)]), 'default / api-leaky-0 / api', mapped);
  assert.equal(view.title, 'default / api-leaky-0 / api');
  assert.equal(view.takenAt, Date.parse('2026-12-02T10:42:00Z'));
  assert.equal(view.measure, 'growth');
  assert.equal(view.windowSeconds, 30);
  assert.equal(view.method, 'tracemalloc via gdb');
  assert.deepEqual(view.notes, ['tracemalloc was off']);
  assert.equal(view.totalBytes, 1000);
  assert.equal(view.growthBytes, 600);
  assert.equal(view.rows.length, 1);
  assert.deepEqual(allocationsView({ ...report([]), method: { description: 'heap file', measure: 'size' } }, 'x', mapped).notes, []);
});

test('a heap file\'s constructors go to the view, the biggest 100; a report without them sends none', () => {
  const groups = Array.from({ length: 150 }, (_, i) => ({ name: `C${i}`, count: 1, selfBytes: 8, retainedBytes: 1000 - i }));
  const view = allocationsView({ ...report([]), groups }, 'x', mapped);
  assert.equal(view.groups?.length, 100);
  assert.equal(view.groups?.[0]?.name, 'C0');
  assert.equal(allocationsView(report([]), 'x', mapped).groups, undefined);
});
