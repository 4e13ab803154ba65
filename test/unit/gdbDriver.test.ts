import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CaptureError } from '../../src/heap/captureError.ts';
import { bootstrapFor, gdbInvocation, type DriverArgs } from '../../src/heap/python/gdbDriver.ts';
import { failureOf, parseDriverOutput } from '../../src/heap/python/inject.ts';

const kmt = (o: object) => `KMT ${JSON.stringify(o)}`;

test('parseDriverOutput keeps the KMT lines with an event, in order, and skips everything else', () => {
  const out = [
    'Reading symbols from /usr/bin/python3...', kmt({ event: 'injected', rc: 0, point: 'PyCallable_Check' }),
    'KMT {not json', 'KMT {"no":"event"}', `  ${kmt({ event: 'indented' })}`, kmt({ event: 'result', data: '{"ok":true}' }), '',
  ].join('\n');
  assert.deepEqual(parseDriverOutput(out), [{ event: 'injected', rc: 0, point: 'PyCallable_Check' }, { event: 'result', data: '{"ok":true}' }]);
  assert.deepEqual(parseDriverOutput(''), []);
});

function failure(lines: object[], stderr = ''): CaptureError | undefined {
  return failureOf(parseDriverOutput(lines.map(kmt).join('\n')), stderr, 42);
}

test('failureOf: each driver outcome without a result is its CaptureError kind, with a hint where the user can act', () => {
  const ptrace = failure([{ event: 'attach-failed', message: 'ptrace: Operation not permitted.\n' }])!;
  assert.equal(ptrace.kind, 'ptrace');
  assert.match(ptrace.message, /ptrace of process 42 was refused \(ptrace: Operation not permitted\.\)/);
  assert.match(ptrace.hint!, /SYS_PTRACE/);
  assert.equal(failure([{ event: 'attach-failed', message: 'ptrace: No such process.' }])!.kind, 'target-gone');
  const other = failure([{ event: 'attach-failed', message: 'Cannot attach: something else' }])!;
  assert.deepEqual([other.kind, other.message], ['failed', 'gdb could not attach to process 42: Cannot attach: something else']);
  const notPython = failure([{ event: 'not-python', missing: ['PyRun_SimpleString', 'Py_AddPendingCall'] }])!;
  assert.equal(notPython.kind, 'not-python');
  assert.match(notPython.message, /missing PyRun_SimpleString, Py_AddPendingCall/);
  const noPoint = failure([{ event: 'no-safe-point', seconds: 15 }])!;
  assert.equal(noPoint.kind, 'no-safe-point');
  assert.match(noPoint.message, /nothing was changed/);
  assert.match(failure([], 'Python scripting is not supported in this copy of GDB.\n')!.message, /built without Python/);
  assert.match(failure([{ event: 'injected', rc: -1 }], 'line 1\nline 2\nline 3\nlast words\n')!.message, /no result \(line 2 line 3 last words\)/);
  assert.match(failure([])!.message, /no result \(no output\)/);
  const unread = failure([{ event: 'injected', rc: 0 }, { event: 'no-result', message: "[Errno 2] No such file or directory: '/tmp/kmt-ab.json'" }])!;
  assert.equal(unread.message, "The program ran in process 42 but its result file could not be read ([Errno 2] No such file or directory: '/tmp/kmt-ab.json').");
  assert.match(unread.hint!, /writable \/tmp/);
  assert.equal(failure([{ event: 'injected', rc: 0 }, { event: 'result', data: '{}' }]), undefined);
});

test('gdbInvocation: a short argv, the driver and its arguments on stdin; a bootstrap that could break the C string is refused', () => {
  const args: DriverArgs = { pid: 7, bootstrap: bootstrapFor('print(1)'), resultPath: '/proc/7/root/tmp/kmt-x.json', sysroot: '/proc/7/root', pendingCallSeconds: 5, anyThreadSeconds: 10 };
  const inv = gdbInvocation(args);
  assert.deepEqual(inv.argv.slice(0, 4), ['gdb', '-q', '-batch', '-nx']);
  assert.ok(inv.argv.join(' ').length < 200, 'argv stays short (exec puts it in the URL)');
  assert.ok(inv.stdin.startsWith(`ARGS = ${JSON.stringify(JSON.stringify(args))}\n`));
  for (const bad of ['a"b', 'a\\b', 'line\nbreak', 'é']) assert.throws(() => gdbInvocation({ ...args, bootstrap: bad }), /printable ASCII/);
});

test('bootstrapFor: printable ASCII without quotes or backslashes whatever the program holds, and it runs the program', async () => {
  const program = 'import sys\nsys.stdout.write("é \\"quoted\\" \\\\ " + __name__ + " " + sys._getframe().f_code.co_filename)\n';
  const boot = bootstrapFor(program);
  assert.match(boot, /^[\x20-\x7e]*$/);
  assert.doesNotMatch(boot, /["\\]/);
  const out = await run('/usr/bin/python3', ['-c', boot]);
  assert.equal(out.stdout, 'é "quoted" \\ __kube_memory_triage__ <kube-memory-triage>');
});

function run(file: string, argv: string[], stdin?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(file, argv, { maxBuffer: 64 << 20, timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: unknown }).code ?? 1) : 0, stdout, stderr }));
    child.stdin!.end(stdin ?? '');
  });
}

async function driver(pid: number, resultPath: string, bootstrap = bootstrapFor('pass'), seconds = 5) {
  const inv = gdbInvocation({ pid, bootstrap, resultPath, pendingCallSeconds: seconds, anyThreadSeconds: seconds });
  const out = await run('gdb', inv.argv.slice(1), inv.stdin);
  return { ...out, events: parseDriverOutput(out.stdout) };
}

function started(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => child.stdout!.once('data', () => resolve()));
}

const hasGdb = existsSync('/usr/bin/gdb');

test('the real driver under gdb: a gone pid is target-gone, a process without CPython is not-python and runs on', { skip: !hasGdb && 'no gdb' }, async (t) => {
  const gone = await driver(2 ** 22 + 12345, '/tmp/none');
  assert.equal(failureOf(gone.events, gone.stderr, 1)?.kind, 'target-gone');
  const sleeper = spawn('sleep', ['30'], { stdio: 'ignore' });
  t.after(() => sleeper.kill('SIGKILL'));
  const notPython = await driver(sleeper.pid!, '/tmp/none');
  assert.equal(failureOf(notPython.events, notPython.stderr, sleeper.pid!)?.kind, 'not-python');
  assert.equal(sleeper.exitCode, null, 'the sleeper was detached, not killed');
});

test('the real driver under gdb runs a program in a live python at a safe point, hands back its file and deletes it', { skip: !hasGdb && 'no gdb' }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kmt-driver-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const out = join(dir, 'result.json');
  // A busy target (its main thread runs bytecode) and one that sleeps most of the time in a syscall.
  for (const body of ['n = 0\nwhile True:\n    n += 1', 'import time\nwhile True:\n    time.sleep(2)']) {
    writeFileSync(join(dir, 'target.py'), `import sys\nsys.stdout.write("up\\n"); sys.stdout.flush()\n${body}\n`);
    const target = spawn('/usr/bin/python3', [join(dir, 'target.py')], { stdio: ['ignore', 'pipe', 'inherit'] });
    t.after(() => target.kill('SIGKILL'));
    await started(target);
    const program = `import json, os, threading\nwith open(${JSON.stringify(out)}, "w") as f:\n    json.dump({"pid": os.getpid(), "thread": threading.current_thread().name}, f)\n`;
    const r = await driver(target.pid!, out, bootstrapFor(program));
    assert.equal(failureOf(r.events, r.stderr, target.pid!), undefined, r.stdout + r.stderr);
    const injected = r.events.find((e) => e.event === 'injected')!;
    assert.equal(injected.rc, 0);
    assert.match(String(injected.point), /PyCallable_Check|PyErr_CheckSignals|PyEval_RestoreThread|pending call|GIL taken back/);
    assert.deepEqual(JSON.parse(String(r.events.find((e) => e.event === 'result')!.data)), { pid: target.pid, thread: 'MainThread' });
    assert.deepEqual(readdirSync(dir), ['target.py'], 'the result file is gone');
    assert.equal(target.exitCode, null, 'the target runs on after the detach');
    // A program that ran but wrote no result (an unwritable /tmp): said so, not "no output".
    const silent = await driver(target.pid!, out, bootstrapFor('pass'));
    assert.match(failureOf(silent.events, silent.stderr, target.pid!)?.message ?? '', /ran in process \d+ but its result file could not be read \(\[Errno 2\] No such file or directory/);
    target.kill('SIGKILL');
  }
});

test('the real driver under gdb leaves a target that runs no Python code untouched: no-safe-point, and it runs on unharmed', { skip: !hasGdb && 'no gdb' }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kmt-driver-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const out = join(dir, 'injected');
  writeFileSync(join(dir, 'target.py'), 'import sys, time\nsys.stdout.write("up\\n"); sys.stdout.flush()\ntime.sleep(5)\nsys.stdout.write("woke\\n")\n');
  const target = spawn('/usr/bin/python3', [join(dir, 'target.py')], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => target.kill('SIGKILL'));
  let output = '';
  target.stdout!.on('data', (d) => { output += d; });
  target.stderr!.on('data', (d) => { output += d; });
  await started(target);
  const r = await driver(target.pid!, out, bootstrapFor(`open(${JSON.stringify(out)}, "w").close()`), 1);
  assert.equal(failureOf(r.events, r.stderr, target.pid!)?.kind, 'no-safe-point');
  const code = await new Promise<number | null>((resolve) => target.once('exit', (c) => resolve(c)));
  assert.deepEqual([code, output], [0, 'up\nwoke\n'], 'the sleep ended normally: no KeyboardInterrupt from gdb\'s interrupt');
  assert.equal(existsSync(out), false, 'our program never ran, not even later from the pending call');
});
