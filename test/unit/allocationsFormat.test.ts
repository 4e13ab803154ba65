import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  defaultSort, filterRows, formatCount, formatCountdown, formatPerMinute, formatShare, formatSignedBytes, locationText, sortRows, summaryLine,
} from '../../src/webview/allocationsFormat.ts';
import type { AllocationRow, AllocationsView } from '../../src/webview/protocol.ts';

const row = (id: number, over: Partial<AllocationRow> = {}): AllocationRow => ({
  id, file: '/app/handlers.py', line: id, bytes: 0, count: 0, share: 0, library: false, location: { kind: 'unmatched' }, traceback: [], ...over,
});

const view = (over: Partial<AllocationsView> = {}): AllocationsView => ({
  title: 'default / api-leaky-0 / api', takenAt: Date.parse('2026-12-02T10:42:00Z'), measure: 'growth', windowSeconds: 60,
  method: 'tracemalloc via gdb', notes: [], totalBytes: 412 * 1024 * 1024, growthBytes: 38 * 1024 * 1024, rows: [], ...over,
});

test('growth sorts first when measured, else size', () => {
  assert.equal(defaultSort(view()), 'growth');
  assert.equal(defaultSort(view({ measure: 'size' })), 'size');
});

test('each sort puts the biggest first; sites without growth go last; ties keep the host order', () => {
  const rows = [row(0, { bytes: 10, count: 5, growthBytes: 1 }), row(1, { bytes: 30, count: 1 }), row(2, { bytes: 20, count: 5, growthBytes: 9 }), row(3, { bytes: 30, count: 9, growthBytes: -4 })];
  assert.deepEqual(sortRows(rows, 'growth').map((r) => r.id), [2, 0, 3, 1]);
  assert.deepEqual(sortRows(rows, 'size').map((r) => r.id), [1, 3, 2, 0]);
  assert.deepEqual(sortRows(rows, 'count').map((r) => r.id), [3, 0, 2, 1]);
  assert.deepEqual(rows.map((r) => r.id), [0, 1, 2, 3]); // the input is not reordered
});

test('the filter matches the file (container or mapped), the function and the source line, in any case', () => {
  const rows = [
    row(0, { file: '/app/handlers.py', functionName: 'get_user', code: 'CACHE[key] = body' }),
    row(1, { file: '/app/db.py', functionName: 'connect', location: { kind: 'mapped', label: 'services/api/db.py' } }),
    row(2, { file: '/usr/lib/python3.12/json/decoder.py', functionName: 'raw_decode', library: true }),
  ];
  const ids = (text: string) => filterRows(rows, text).map((r) => r.id);
  assert.deepEqual(ids(''), [0, 1, 2]);
  assert.deepEqual(ids('  '), [0, 1, 2]);
  assert.deepEqual(ids('HANDLERS'), [0]);
  assert.deepEqual(ids('services/api'), [1]);
  assert.deepEqual(ids('raw_'), [2]);
  assert.deepEqual(ids('cache[key]'), [0]);
  assert.deepEqual(ids('nothing like it'), []);
});

test('figures: signed sizes, rates that stay visible when small, counts, shares', () => {
  assert.equal(formatSignedBytes(14.2 * 1024 * 1024), '+14.2 MiB');
  assert.equal(formatSignedBytes(-3 * 1024), '-3 KiB');
  assert.equal(formatSignedBytes(0), '0 B');
  assert.equal(formatSignedBytes(undefined), '–');
  assert.equal(formatPerMinute(512 * 1024), '+512 KiB/min');
  assert.equal(formatPerMinute(undefined), '–');
  assert.equal(formatCount(14501), '14,501');
  assert.equal(formatShare(0.4237), '42.4 %');
  assert.equal(formatShare(0.0004), '< 0.1 %');
  assert.equal(formatShare(0), '0.0 %');
});

test('the countdown says minutes and seconds left, then that the snapshot is read', () => {
  const now = 1_000_000;
  assert.equal(formatCountdown(now + 65_000, now), '1:05 left');
  assert.equal(formatCountdown(now + 8_200, now), '0:09 left');
  assert.equal(formatCountdown(now, now), 'reading the snapshot…');
  assert.equal(formatCountdown(now - 5_000, now), 'reading the snapshot…');
});

test('the summary line names the method, window, traced total and growth; a file report has neither window nor growth', () => {
  const time = (ms: number) => new Date(ms).toISOString().slice(11, 19);
  assert.equal(summaryLine(view(), time), 'tracemalloc via gdb · 60 s window · 412 MiB traced · +38.0 MiB growth · taken 10:42:00');
  assert.equal(summaryLine(view({ windowSeconds: undefined, growthBytes: undefined, method: 'heap snapshot' }), time), 'heap snapshot · 412 MiB traced · taken 10:42:00');
});

test('a location reads as the workspace file when mapped, else as the container path', () => {
  assert.equal(locationText(row(12, { location: { kind: 'mapped', label: 'services/api/handlers.py' } })), 'services/api/handlers.py:12');
  assert.equal(locationText(row(12, { location: { kind: 'ambiguous', candidates: ['a/handlers.py', 'b/handlers.py'] } })), '/app/handlers.py:12');
});
