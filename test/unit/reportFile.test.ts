import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseReport, REPORT_FORMAT, serializeReport } from '../../src/heap/reportFile.ts';
import type { AllocationReport } from '../../src/triage/model.ts';

const report: AllocationReport = {
  pod: { context: 'local', namespace: 'shop', name: 'python-api-7f9c8d-abcde' },
  container: 'api',
  pid: 7,
  runtime: 'python',
  takenAt: new Date('2026-12-02T10:42:07.250Z'),
  totalBytes: 15_900_000,
  totalCount: 16_000,
  growthBytes: 14_890_000,
  sites: [
    {
      file: '/app/app/handlers.py', line: 42, functionName: 'handle', bytes: 14_890_000, count: 14_501,
      growthBytes: 14_890_000, growthCount: 14_501, library: false, code: 'CACHE[key] = body',
      traceback: [
        { file: '/app/app/handlers.py', line: 42, functionName: 'handle', library: false },
        { file: '/usr/local/lib/python3.12/socketserver.py', line: 761, library: true },
      ],
    },
    { file: '<unknown>', line: 0, bytes: 120, count: 1, growthBytes: -64 },
  ],
  groups: [{ name: 'bytes', count: 14_501, selfBytes: 14_890_000, retainedBytes: 14_890_000 }],
  method: { description: 'tracemalloc in the live process', measure: 'growth', windowSeconds: 60, notes: ['tracemalloc was off'] },
};

function edited(change: (o: Record<string, any>) => void): string {
  const o = JSON.parse(serializeReport(report));
  change(o);
  return JSON.stringify(o);
}

test('a report comes back as it was saved, with its format tag and an ISO time', () => {
  const text = serializeReport(report);
  const raw = JSON.parse(text);
  assert.equal(raw.format, REPORT_FORMAT);
  assert.equal(raw.takenAt, '2026-12-02T10:42:07.250Z');
  assert.deepEqual(parseReport(text), report);
});

test('a minimal report (a heap file: no pod, sizes only) round-trips too', () => {
  const minimal: AllocationReport = {
    sourceFile: '/tmp/heap.heapsnapshot', runtime: 'node', takenAt: new Date(0), totalBytes: 0, sites: [],
    method: { description: 'V8 heap snapshot', measure: 'size' },
  };
  assert.deepEqual(parseReport(serializeReport(minimal)), minimal);
});

test('truncated or non-JSON text is refused, saying it may be cut short', () => {
  const text = serializeReport(report);
  assert.throws(() => parseReport(text.slice(0, text.length / 2)), /not complete JSON.*cut short/);
  assert.throws(() => parseReport(''), /not complete JSON/);
  assert.throws(() => parseReport('[]'), /the file must be an object/);
});

test('the wrong format or runtime is refused', () => {
  assert.throws(() => parseReport(edited((o) => delete o.format)), /format must be "kube-memory-triage\/allocation-report@1" \(got nothing\)/);
  assert.throws(() => parseReport(edited((o) => (o.format = 'other@2'))), /format must be .*got "other@2"/);
  assert.throws(() => parseReport(edited((o) => (o.runtime = 'ruby'))), /runtime must be "python", "node" or "go"/);
});

test('each bad field is named', () => {
  const cases: [(o: Record<string, any>) => void, RegExp][] = [
    [(o) => (o.takenAt = 'yesterday'), /takenAt must be an ISO date/],
    [(o) => (o.takenAt = '2026-13-45T99:00:00Z'), /takenAt must be an ISO date/],
    [(o) => (o.totalBytes = -1), /totalBytes must be at least 0 \(got -1\)/],
    [(o) => (o.totalBytes = '1'), /totalBytes must be a finite number \(got "1"\)/],
    [(o) => (o.totalCount = 1.5), /totalCount must be a whole number/],
    [(o) => (o.pid = -3), /pid must be at least 0/],
    [(o) => (o.pod.name = ''), /pod\.name must not be empty/],
    [(o) => (o.sites = {}), /sites must be a list/],
    [(o) => (o.sites[0].line = -1), /sites\[0\]\.line must be at least 0 \(got -1\)/],
    [(o) => (o.sites[1].line = 2.5), /sites\[1\]\.line must be a whole number/],
    [(o) => (o.sites[0].file = 7), /sites\[0\]\.file must be a string/],
    [(o) => (o.sites[0].file = 'x'.repeat(5000)), /sites\[0\]\.file is longer than 4096/],
    [(o) => (o.sites[0].library = 'yes'), /sites\[0\]\.library must be true or false/],
    [(o) => (o.sites[0].traceback[1].line = -2), /sites\[0\]\.traceback\[1\]\.line must be at least 0/],
    [(o) => (o.sites[0].traceback = Array(300).fill(o.sites[0].traceback[0])), /sites\[0\]\.traceback has 300 entries/],
    [(o) => (o.groups[0].selfBytes = null), /groups\[0\]\.selfBytes must be a finite number \(got null\)/],
    [(o) => (o.method.measure = 'both'), /method\.measure must be "growth" or "size"/],
    [(o) => (o.method.notes = [1]), /method\.notes\[0\] must be a string/],
    [(o) => delete o.method, /method must be an object/],
  ];
  for (const [change, message] of cases) assert.throws(() => parseReport(edited(change)), message);
});

test('non-finite numbers are refused even where JSON cannot write them', () => {
  // JSON has no NaN/Infinity, but 1e999 parses to Infinity
  const text = serializeReport(report).replace('"totalBytes": 15900000', '"totalBytes": 1e999');
  assert.throws(() => parseReport(text), /totalBytes must be a finite number/);
});

test('sites beyond 10000 are left out, and the report says so', () => {
  const site = { file: '/app/x.py', line: 1, bytes: 1, count: 1 };
  const text = edited((o) => (o.sites = Array(10_005).fill(site)));
  const read = parseReport(text);
  assert.equal(read.sites.length, 10_000);
  assert.deepEqual(read.method.notes, ['tracemalloc was off', '5 sites beyond the first 10000 were left out when the file was read']);
});

test('fields the model does not have are dropped, not carried into the view', () => {
  const read = parseReport(edited((o) => ((o.sites[0].html = '<script>'), (o.extra = 1))));
  assert.equal('html' in read.sites[0], false);
  assert.equal('extra' in read, false);
});
