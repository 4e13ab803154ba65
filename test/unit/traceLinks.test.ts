import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findLocations, type TextLocation } from '../../src/heap/traceLinks.ts';

function linked(text: string, loc: TextLocation): string {
  return text.slice(loc.start, loc.start + loc.length);
}

/** Where `span` is in `text` (its only occurrence), counted independently of the code under test. */
function at(text: string, span: string): { start: number; length: number } {
  const start = text.indexOf(span);
  assert.ok(start >= 0 && text.indexOf(span, start + 1) < 0, `${span} occurs once`);
  return { start, length: span.length };
}

test('a Python traceback: each File "...", line N is a link, <frozen ...> is not', () => {
  const text = [
    'Traceback (most recent call last):',
    '  File "<frozen runpy>", line 198, in _run_module_as_main',
    '  File "/app/app/handlers.py", line 42, in handle',
    '    CACHE[key] = body',
    'MemoryError',
  ].join('\n');
  const found = findLocations(text);
  assert.deepEqual(found, [{ ...at(text, 'File "/app/app/handlers.py", line 42'), file: '/app/app/handlers.py', line: 42 }]);
  assert.equal(linked(text, found[0]), 'File "/app/app/handlers.py", line 42');
});

test('tracemalloc statistics: absolute, relative and compare_to lines', () => {
  const text = [
    '/app/app/handlers.py:42: size=14.2 MiB, count=14501, average=1027 B',
    'x.py:12: size=1024 B (+1024 B), count=1 (+1), average=1024 B',
    '<frozen importlib._bootstrap>:241: size=33 KiB, count=300, average=112 B',
    '/app/app/models.py:7: not tracemalloc',
  ].join('\n');
  const found = findLocations(text);
  assert.deepEqual(found, [
    { ...at(text, '/app/app/handlers.py:42'), file: '/app/app/handlers.py', line: 42 },
    { ...at(text, 'x.py:12'), file: 'x.py', line: 12 },
  ]);
  assert.equal(linked(text, found[0]), '/app/app/handlers.py:42');
  assert.equal(linked(text, found[1]), 'x.py:12');
});

test('Node frames: with a function, without one, file:// URLs; <anonymous> and node: internals are not links', () => {
  const text = [
    'Error: boom',
    '    at handle (/usr/src/app/x.js:10:5)',
    '    at /usr/src/app/server.js:3:17',
    '    at async Object.<anonymous> (file:///usr/src/app/my%20mod.mjs:1:2)',
    '    at Array.map (<anonymous>)',
    '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
  ].join('\n');
  const found = findLocations(text);
  assert.deepEqual(found, [
    { ...at(text, '/usr/src/app/x.js:10:5'), file: '/usr/src/app/x.js', line: 10, column: 5 },
    { ...at(text, '/usr/src/app/server.js:3:17'), file: '/usr/src/app/server.js', line: 3, column: 17 },
    { ...at(text, 'file:///usr/src/app/my%20mod.mjs:1:2'), file: '/usr/src/app/my mod.mjs', line: 1, column: 2 },
  ]);
  assert.deepEqual(found.map((l) => linked(text, l)), ['/usr/src/app/x.js:10:5', '/usr/src/app/server.js:3:17', 'file:///usr/src/app/my%20mod.mjs:1:2']);
});

test('Go frames: the file line under the function, with or without the pc offset', () => {
  const text = 'goroutine 1 [running]:\nmain.leak(...)\n\t/src/x.go:42 +0x1d\nmain.main()\n\t/src/main.go:7\nsee /src/y.go:3 for more';
  const found = findLocations(text);
  assert.deepEqual(found, [
    { ...at(text, '/src/x.go:42'), file: '/src/x.go', line: 42 },
    { ...at(text, '/src/main.go:7'), file: '/src/main.go', line: 7 },
  ]);
  assert.deepEqual(found.map((l) => linked(text, l)), ['/src/x.go:42', '/src/main.go:7']);
});

test('offsets count from the start of the whole text, across CRLF line ends', () => {
  const text = 'log\r\n  File "/app/a.py", line 3, in f\r\n';
  const [loc] = findLocations(text);
  assert.deepEqual(loc, { start: 7, length: 24, file: '/app/a.py', line: 3 });
  assert.equal(linked(text, loc), 'File "/app/a.py", line 3');
});

test('line 0 and absurd line numbers are not links', () => {
  assert.deepEqual(findLocations('  File "/app/a.py", line 0, in f\n  File "/app/a.py", line 99999999, in f'), []);
});

test('bounded: lines over 4096 characters are skipped, at most 200 results', () => {
  const long = `${'x'.repeat(4100)} File "/app/a.py", line 3`;
  assert.deepEqual(findLocations(`${long}\n  File "/app/b.py", line 4`).map((l) => l.file), ['/app/b.py']);
  const many = Array.from({ length: 500 }, (_, i) => `  File "/app/f${i}.py", line ${i + 1}, in f`).join('\n');
  const found = findLocations(many);
  assert.equal(found.length, 200);
  assert.equal(found[199].file, '/app/f199.py');
});

test('a long line of near-misses is quick', () => {
  // every "at " starts the Node form's function-name scan, which finds no " (" to end it
  const lines = Array.from({ length: 200 }, () => 'at x:1 '.repeat(580)).join('\n');
  const start = performance.now();
  assert.deepEqual(findLocations(lines), []);
  assert.ok(performance.now() - start < 2000, 'no catastrophic backtracking');
});
