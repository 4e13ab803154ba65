import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CaptureError } from '../../src/heap/captureError.ts';
import { tracemallocReport, type CaptureContext } from '../../src/heap/python/tracemallocReport.ts';

const pod = { context: 'kind-dev', namespace: 'shop', name: 'api-7f9c-x2k4q' };
const ctx: CaptureContext = { pod, container: 'api', pid: 1, wayIn: 'gdb in the ephemeral container kmt-debug-ab12c (debug:1)', python: '3.11.2', pauses: [{ stoppedMs: 41.6, callMs: 3.2 }, { stoppedMs: 30, callMs: 120.4 }] };

const frame = (file: string, line: number, lib = false) => ({ file, line, lib });
// What the injected program's stop writes (captureScript.ts), for a leaking orders API.
function stopResult(): Record<string, unknown> {
  return {
    ok: true, mode: 'stop', tracingBefore: false, frames: 10, startedAt: 1_780_000_000.25, takenAt: 1_780_000_060.75, samples: 8,
    tracedBytes: 31_457_280, peakBytes: 33_000_000, overheadBytes: 2_097_152, totalSize: 31_000_000, totalCount: 2_400, growthSize: 29_500_000,
    sites: [
      {
        file: '/app/app/handlers.py', line: 67, lib: false, function: 'render_order', code: 'return json.dumps(order).encode("utf-8")', size: 29_360_128, count: 600,
        growth: 29_000_000, sinceStart: 29_360_128, sinceStartCount: 600, rising: 1,
        traceback: [frame('/usr/lib/python3.11/json/encoder.py', 258, true), frame('/app/app/handlers.py', 67), frame('/app/app/handlers.py', 46)],
      },
      { file: '/usr/lib/python3.11/socketserver.py', line: 755, lib: true, code: '', size: 40_000, count: 12, growth: -1200, sinceStart: 40_000, sinceStartCount: 12, rising: 0.2, traceback: [] },
    ],
    tracebacks: [],
  };
}

test('a good stop result becomes an AllocationReport: sites, totals, window, method and notes', () => {
  const r = tracemallocReport(stopResult(), ctx);
  assert.deepEqual([r.pod, r.container, r.pid, r.runtime], [pod, 'api', 1, 'python']);
  assert.equal(r.takenAt.getTime(), 1_780_000_060_750);
  assert.deepEqual([r.totalBytes, r.totalCount, r.growthBytes], [31_000_000, 2_400, 29_500_000]);
  assert.equal(r.sites.length, 2);
  assert.deepEqual(r.sites[0], {
    file: '/app/app/handlers.py', line: 67, library: false, functionName: 'render_order', code: 'return json.dumps(order).encode("utf-8")', bytes: 29_360_128, count: 600,
    growthBytes: 29_000_000, growthCount: 600,
    traceback: [{ file: '/usr/lib/python3.11/json/encoder.py', line: 258, library: true }, { file: '/app/app/handlers.py', line: 67, library: false }, { file: '/app/app/handlers.py', line: 46, library: false }],
  });
  assert.deepEqual([r.sites[1]!.library, r.sites[1]!.code, r.sites[1]!.growthBytes], [true, undefined, -1200], 'a shrinking site keeps its negative growth');
  assert.equal(r.method.measure, 'growth');
  assert.equal(r.method.windowSeconds, 60.5);
  assert.equal(r.method.description, 'tracemalloc in the live process (Python 3.11.2), injected by gdb in the ephemeral container kmt-debug-ab12c (debug:1)');
  const notes = r.method.notes!.join('\n');
  assert.match(notes, /tracemalloc was off: started for the window \(10 frames\) and stopped again/);
  assert.match(notes, /over 8 samples/);
  assert.match(notes, /2048 KiB for 30720 KiB traced/);
  assert.match(notes, /paused 45 ms \(42 stopped, 3 running our code\) and 150 ms \(30 stopped, 120 running our code\)/);
});

test('tracing already on (PYTHONTRACEMALLOC) is said in the notes', () => {
  const r = tracemallocReport({ ...stopResult(), tracingBefore: true }, ctx);
  assert.match(r.method.notes![0]!, /already on \(PYTHONTRACEMALLOC\)/);
});

test('a result without its figures, or with negative or non-finite ones, is refused with a CaptureError', () => {
  const refused = (change: Record<string, unknown>, what: RegExp) => assert.throws(() => tracemallocReport({ ...stopResult(), ...change }, ctx), (e: unknown) => e instanceof CaptureError && e.kind === 'failed' && what.test(e.message));
  refused({ mode: 'start' }, /no sites/);
  refused({ sites: 'many' }, /no sites/);
  refused({ startedAt: undefined }, /start time/);
  refused({ takenAt: '1780000060' }, /end time/);
  refused({ takenAt: 1_779_999_000 }, /ends before it starts/);
  refused({ totalSize: -1 }, /total size/);
  refused({ totalSize: Infinity }, /total size/);
  refused({ totalCount: NaN }, /total count/);
  refused({ growthSize: null }, /total growth/);
  refused({ samples: -3 }, /sample count/);
  refused({ overheadBytes: 1e400 }, /overhead/);
  refused({ tracedBytes: -5 }, /traced size/);
  refused({ frames: 'ten' }, /frame count/);
  assert.equal(tracemallocReport({ ...stopResult(), growthSize: -2048 }, ctx).growthBytes, -2048, 'the heap may shrink over the window');
});

test('sites and frames with missing, negative or non-finite fields are dropped; strings and lists are bounded', () => {
  const base = (stopResult().sites as Record<string, unknown>[])[0]!;
  const bad = [
    { ...base, size: -1 }, { ...base, count: -2 }, { ...base, size: Number.NaN }, { ...base, growth: undefined }, { ...base, growth: '5' },
    { ...base, line: 1.5 }, { ...base, line: -1 }, { ...base, file: 7 }, null, 'site', 42,
  ];
  const long = { ...base, file: `/app/${'x'.repeat(10_000)}.py`, code: 'y'.repeat(1000), sinceStartCount: Infinity,
    traceback: [frame('/a.py', 1), { file: '/b.py', line: 'two' }, null, ...Array.from({ length: 500 }, (_, i) => frame('/c.py', i + 1))] };
  const r = tracemallocReport({ ...stopResult(), sites: [...bad, long] }, ctx);
  assert.equal(r.sites.length, 1);
  const [s] = r.sites;
  assert.equal(s!.file.length, 4096);
  assert.equal(s!.code!.length, 240);
  assert.equal(s!.growthCount, undefined);
  assert.equal(s!.traceback!.length, 126, 'the first 128 frames, less the two malformed ones');
  const many = tracemallocReport({ ...stopResult(), sites: Array.from({ length: 5000 }, (_, i) => ({ ...base, line: i + 1 })) }, ctx);
  assert.equal(many.sites.length, 2000);
});
