// The program gdb injects, run for real by /usr/bin/python3 in a child of this test: a small
// program that leaks, holds a buffer made once and replaces another, and calls the capture the
// way PyRun_SimpleString would (the bootstrap string, exec'd on its main thread).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { captureProgram, type CaptureArgs, type CaptureMode } from '../../src/heap/python/captureScript.ts';
import { bootstrapFor } from '../../src/heap/python/gdbDriver.ts';

const MiB = 1024 * 1024;
const python = '/usr/bin/python3';

// Steps: {"call": bootstrap, "out": path} runs the capture and reads (then deletes) its result file;
// {"leak": s} leaks 64 KiB every 50 ms for s seconds while replacing a 10 MiB buffer each time;
// {"once": 1} makes a 10 MiB buffer kept to the end; {"sleep": s}; {"state": 1} records whether
// tracemalloc traces, whether our state is on sys, and the threads.
const harness = `import json, os, sys, threading, time, tracemalloc
plan = json.load(open(sys.argv[1]))
records = []
kept = []
held = []
before = bytearray(10 << 20)  # BEFORE
def leak():
    kept.append(bytearray(64 << 10))  # LEAK
def replace():
    held[:] = [bytearray(10 << 20)]  # REPLACED
for step in plan:
    if "call" in step:
        exec(step["call"])
        if not os.path.exists(step["out"]):
            records.append({"noResult": True})
            continue
        with open(step["out"]) as f:
            records.append(json.load(f))
        os.unlink(step["out"])
    elif "leak" in step:
        end = time.time() + step["leak"]
        while time.time() < end:
            leak()
            replace()
            time.sleep(0.05)
    elif "once" in step:
        once = bytearray(10 << 20)  # ONCE
    elif "sleep" in step:
        time.sleep(step["sleep"])
    elif "state" in step:
        if not hasattr(sys, "_kube_memory_triage"):  # ended: give its sampler a moment to return
            for t in threading.enumerate():
                if t.name == "kube-memory-triage-sampler":
                    t.join(1)
        records.append({"tracing": tracemalloc.is_tracing(), "state": hasattr(sys, "_kube_memory_triage"),
                        "threads": sorted(t.name for t in threading.enumerate()),
                        "linecached": any(k.endswith("leaker.py") for k in __import__("linecache").cache)})
print(json.dumps(records))
`;
const lineOf = (marker: string) => harness.split('\n').findIndex((l) => l.includes(`# ${marker}`)) + 1;

interface Site { file: string; line: number; lib: boolean; function?: string; code: string; size: number; count: number; growth: number; sinceStart: number; traceback: { file: string; line: number; function?: string }[] }
type Result = Record<string, unknown> & { sites?: Site[] };

function setup(t: { after(fn: () => void): void }) {
  const dir = mkdtempSync(join(tmpdir(), 'kmt-script-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'leaker.py'), harness);
  const out = join(dir, 'result.json');
  const call = (mode: CaptureMode, token: string, more: Partial<CaptureArgs> = {}) => {
    const args: CaptureArgs = { mode, token, out, frames: 10, sampleSeconds: 0.4, deadlineSeconds: 60, topSites: 50, topTracebacks: 5, ...more };
    return { call: bootstrapFor(captureProgram(args)), out: args.out };
  };
  const run = (plan: object[], env: Record<string, string> = {}): Promise<Result[]> => {
    writeFileSync(join(dir, 'plan.json'), JSON.stringify(plan));
    return new Promise((resolve, reject) => {
      execFile(python, [join(dir, 'leaker.py'), join(dir, 'plan.json')], { env: { PATH: process.env.PATH, ...env }, timeout: 60_000, maxBuffer: 16 * MiB },
        (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(JSON.parse(stdout))));
    });
  };
  const site = (r: Result, marker: string) => r.sites?.find((s) => s.file === join(dir, 'leaker.py') && s.line === lineOf(marker));
  return { dir, call, run, site };
}

test('tracing off: the leak line grows, a buffer made once and one replaced do not; tracing is off again after', { skip: !existsSync(python) && 'no /usr/bin/python3' }, async (t) => {
  const { dir, call, run, site } = setup(t);
  const [start, stop, after] = await run([call('start', 'a'), { once: 1 }, { leak: 3 }, call('stop', 'a'), { state: 1 }]);
  assert.deepEqual([start!.ok, start!.mode, start!.tracingBefore, start!.frames], [true, 'start', false, 10]);
  assert.equal(start!.python, (await version()));
  assert.deepEqual([stop!.ok, stop!.mode, stop!.tracingBefore], [true, 'stop', false]);
  assert.ok(Number(stop!.samples) >= 6, `the sampler sampled (${stop!.samples})`);
  assert.ok(Number(stop!.takenAt) - Number(stop!.startedAt) >= 3);

  const leak = site(stop!, 'LEAK')!;
  assert.ok(leak, 'the leak line is a site');
  assert.equal(leak.code, 'kept.append(bytearray(64 << 10))  # LEAK');
  assert.equal(leak.lib, false);
  // About 60 allocations of 64 KiB in 3 s, all still alive.
  assert.ok(leak.size > 2 * MiB && leak.sinceStart > 2 * MiB, `leak size ${leak.size}`);
  assert.ok(leak.growth > 0.6 * leak.sinceStart && leak.growth < 1.5 * leak.sinceStart, `leak growth ${leak.growth} ~ what it added ${leak.sinceStart}`);
  assert.deepEqual(leak.traceback.map((f) => f.line).slice(0, 2), [lineOf('LEAK'), harness.split('\n').findIndex((l) => l.trim() === 'leak()') + 1]);

  const once = site(stop!, 'ONCE')!;
  const replaced = site(stop!, 'REPLACED')!;
  for (const [name, s] of [['once', once], ['replaced', replaced]] as const) {
    assert.ok(s, `the ${name} buffer is a site`);
    assert.ok(Math.abs(s.size - 10 * MiB) < MiB, `${name}: 10 MiB alive (${s.size})`);
    assert.ok(Math.abs(s.growth) < 0.05 * leak.growth, `${name}: ~0 growth (${s.growth}, the leak's ${leak.growth})`);
  }
  assert.equal(stop!.sites![0]!.line, lineOf('LEAK'), 'sites are sorted by growth');
  assert.equal(site(stop!, 'BEFORE'), undefined, 'made before tracing started: not traced');
  assert.ok(!stop!.sites!.some((s) => s.file.startsWith('<') || s.traceback.some((f) => f.file === '<kube-memory-triage>')), 'our own allocations are left out');
  assert.ok(Number(stop!.overheadBytes) > 0 && Number(stop!.tracedBytes) >= leak.size);
  assert.deepEqual(after, { tracing: false, state: false, threads: ['MainThread'], linecached: false }, 'tracing, our thread and the source lines we read are gone');
  assert.equal(leak.function, 'leak', 'the def around the line is named');
  assert.deepEqual(leak.traceback.slice(0, 2).map((f) => f.function), ['leak', undefined], 'module-level code has no function');
  assert.ok(!existsSync(join(dir, 'result.json.tmp')));
});

test('a buffer made once in the middle of the window is a step, not growth; the leak still grows', { skip: !existsSync(python) && 'no /usr/bin/python3' }, async (t) => {
  const { call, run, site } = setup(t);
  const [, stop] = await run([call('start', 'm'), { leak: 1.5 }, { once: 1 }, { leak: 1.5 }, call('stop', 'm')]);
  const once = site(stop!, 'ONCE')!;
  const leak = site(stop!, 'LEAK')!;
  assert.ok(Math.abs(once.size - 10 * MiB) < MiB && once.sinceStart > 9 * MiB, 'it is there, all of it new');
  assert.equal(once.growth, 0);
  assert.ok(leak.growth > 2 * MiB, `the leak grows (${leak.growth})`);
  assert.equal(stop!.sites![0]!.line, lineOf('LEAK'));
});

test('PYTHONTRACEMALLOC=1: the start is the baseline (compare semantics), what was traced before stays, and tracing stays on', { skip: !existsSync(python) && 'no /usr/bin/python3' }, async (t) => {
  const { call, run, site } = setup(t);
  const [start, stop, after] = await run([call('start', 'b'), { leak: 2 }, call('stop', 'b'), { state: 1 }], { PYTHONTRACEMALLOC: '1' });
  assert.deepEqual([start!.tracingBefore, start!.frames], [true, 1]);
  assert.equal(stop!.tracingBefore, true);
  const before = site(stop!, 'BEFORE')!;
  assert.ok(before, 'the buffer made before the start is traced (tracing was on)');
  assert.ok(Math.abs(before.size - 10 * MiB) < MiB);
  assert.equal(before.sinceStart, 0, 'unchanged since the start snapshot');
  assert.ok(Math.abs(before.growth) < 64 * 1024, `no growth (${before.growth})`);
  const leak = site(stop!, 'LEAK')!;
  assert.ok(leak.sinceStart > MiB && leak.growth > 0.6 * leak.sinceStart, `leak: +${leak.sinceStart}, growth ${leak.growth}`);
  assert.ok(leak.size >= leak.sinceStart);
  assert.deepEqual(after, { tracing: true, state: false, threads: ['MainThread'], linecached: false }, 'not ours to stop');
});

test('another capture in the same process is busy, a stop without a start is lost, abort cleans up', { skip: !existsSync(python) && 'no /usr/bin/python3' }, async (t) => {
  const { call, run } = setup(t);
  const [lost, start, busy, wrongStop, during, abort, after] = await run([
    call('stop', 'x'), call('start', 'a'), call('start', 'b'), call('stop', 'b'), { state: 1 }, call('abort', 'a'), { state: 1 },
  ]);
  assert.deepEqual([lost!.ok, lost!.error], [false, 'lost']);
  assert.equal(start!.ok, true);
  assert.deepEqual([busy!.ok, busy!.error], [false, 'busy']);
  assert.deepEqual([wrongStop!.ok, wrongStop!.error], [false, 'lost'], "another token's stop does not take this capture's result");
  assert.deepEqual(during, { tracing: true, state: true, threads: ['MainThread', 'kube-memory-triage-sampler'], linecached: false });
  assert.deepEqual([abort!.ok, abort!.mode], [true, 'abort']);
  assert.deepEqual(after, { tracing: false, state: false, threads: ['MainThread'], linecached: false });
});

test('a capture whose stop never comes ends itself at its deadline; a later start takes over an abandoned one', { skip: !existsSync(python) && 'no /usr/bin/python3' }, async (t) => {
  const { call, run } = setup(t);
  const r = await run([
    call('start', 'a', { deadlineSeconds: 1, sampleSeconds: 0.2 }), { state: 1 }, { sleep: 1.6 }, { state: 1 },
    call('start', 'b', { deadlineSeconds: 1, sampleSeconds: 30 }), { sleep: 1.2 }, call('start', 'c'), call('abort', 'c'), { state: 1 },
  ]);
  assert.equal(r[1]!.state, true);
  assert.deepEqual(r[2], { tracing: false, state: false, threads: ['MainThread'], linecached: false }, 'the sampler ended it at the deadline');
  // b's sampler sleeps 30 s, so b is still there past its deadline: c takes it over instead of being busy.
  assert.equal(r[3]!.ok, true);
  assert.equal(r[4]!.ok, true, 'the start after the deadline is not refused as busy');
  assert.deepEqual(r[6], { tracing: false, state: false, threads: ['MainThread'], linecached: false });
});

test('a start that cannot write its answer (an unwritable /tmp) turns tracing off again by itself', { skip: !existsSync(python) && 'no /usr/bin/python3' }, async (t) => {
  const { dir, call, run } = setup(t);
  const r = await run([call('start', 'a', { out: join(dir, 'missing', 'result.json') }), { state: 1 }, call('start', 'b'), call('abort', 'b')]);
  assert.deepEqual(r[0], { noResult: true });
  assert.deepEqual(r[1], { tracing: false, state: false, threads: ['MainThread'], linecached: false });
  assert.equal(r[2]!.ok, true, 'the next capture is not refused as busy');
});

function version(): Promise<string> {
  return new Promise((resolve) => execFile(python, ['-c', 'import sys; print(sys.version.split()[0])'], (_e, out) => resolve(out.trim())));
}
