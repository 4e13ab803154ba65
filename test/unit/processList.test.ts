import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { test } from 'node:test';
import { candidates, describeProcess, headArgv, isNode, isPython, parseHead, pidsOf, type ContainerProcess } from '../../src/heap/processList.ts';

// What `head -c 4096 /proc/N/cmdline /proc/N/status ...` prints: a header before each file, a
// blank line between files, cmdline's arguments NUL-separated with a final NUL and no newline.
const status = (name: string, uid: number, rssKb?: number) =>
  `Name:\t${name}\nUmask:\t0022\nState:\tS (sleeping)\nPid:\t0\nUid:\t${uid}\t${uid}\t${uid}\t${uid}\nGid:\t${uid}\t${uid}\t${uid}\t${uid}\n` +
  (rssKb === undefined ? '' : `VmPeak:\t  ${rssKb * 2} kB\nVmRSS:\t  ${rssKb} kB\nRssAnon:\t  ${rssKb - 100} kB\n`) + 'Threads:\t1\n';

function headOutput(files: [pid: number, kind: 'cmdline' | 'status', body: string][]): string {
  return files.map(([pid, kind, body]) => `==> /proc/${pid}/${kind} <==\n${body}`).join('\n');
}

// tini as PID 1, a shell below it, python and a gunicorn-style worker below that.
const tree = headOutput([
  [1, 'cmdline', '/usr/bin/tini\0--\0sh\0-c\0python3 /app/server.py & wait\0'],
  [1, 'status', status('tini', 0, 800)],
  [7, 'cmdline', 'sh\0-c\0python3 /app/server.py & wait\0'],
  [7, 'status', status('sh', 0, 1200)],
  [8, 'cmdline', '/usr/local/bin/python3.11\0/app/server.py\0--name\0two words\0\0'],
  [8, 'status', status('python3.11', 1000, 40_000)],
  [9, 'cmdline', 'python3\0-m\0worker\0'],
  [9, 'status', status('python3', 1000, 120_000)],
  [12, 'cmdline', '/usr/local/bin/node\0/usr/src/app/server.js\0'],
  [12, 'status', status('node', 1000, 60_000)],
  // A zombie: no cmdline, no memory lines.
  [13, 'cmdline', ''],
  [13, 'status', status('defunct', 0)],
]);

test('pidsOf keeps the numeric entries of ls /proc', () => {
  assert.deepEqual(pidsOf('1\n12\nacpi\nbuddyinfo\n7 8\nself\nthread-self\n9\n'), [1, 12, 7, 8, 9]);
  assert.deepEqual(pidsOf(''), []);
});

test('headArgv reads cmdline and status of every pid in one head, bounded per file', () => {
  assert.deepEqual(headArgv([1, 42]), ['head', '-c', '4096', '/proc/1/cmdline', '/proc/1/status', '/proc/42/cmdline', '/proc/42/status']);
});

test('parseHead splits cmdline at NULs (keeping inner empty and spaced arguments) and reads Name, Uid, VmRSS', () => {
  const procs = parseHead(tree);
  assert.deepEqual(procs.map((p) => p.pid), [1, 7, 8, 9, 12, 13]);
  const py = procs.find((p) => p.pid === 8)!;
  assert.deepEqual(py.argv, ['/usr/local/bin/python3.11', '/app/server.py', '--name', 'two words', '']);
  assert.equal(py.name, 'python3.11');
  assert.equal(py.uid, 1000);
  assert.equal(py.rssBytes, 40_000 * 1024);
  assert.deepEqual(procs.find((p) => p.pid === 7)!.argv, ['sh', '-c', 'python3 /app/server.py & wait']);
  const zombie = procs.find((p) => p.pid === 13)!;
  assert.deepEqual([zombie.argv, zombie.rssBytes, zombie.uid], [[], undefined, 0]);
});

test('parseHead leaves out a process that vanished between ls and head (no status read)', () => {
  const out = headOutput([[3, 'cmdline', 'python3\0a.py\0'], [3, 'status', status('python3', 0, 10)], [4, 'cmdline', 'python3\0gone.py\0']]);
  assert.deepEqual(parseHead(out).map((p) => p.pid), [3]);
  assert.deepEqual(parseHead(''), []);
});

test('isPython and isNode look at argv[0] and the process name, not at PID 1', () => {
  const procs = parseHead(tree);
  assert.deepEqual(procs.filter(isPython).map((p) => p.pid), [8, 9]);
  assert.deepEqual(procs.filter(isNode).map((p) => p.pid), [12]);
  const p = (argv: string[], name: string): ContainerProcess => ({ pid: 1, argv, name });
  assert.equal(isPython(p(['/usr/bin/python3.12d'], 'python3.12d')), true);
  // A #! script: the kernel runs its interpreter as argv[0]; the name is the script's.
  assert.equal(isPython(p(['/usr/local/bin/python3', '/usr/local/bin/gunicorn', 'app:app'], 'gunicorn')), true);
  assert.equal(isPython(p(['/usr/bin/pythonista'], 'pythonista')), false);
  assert.equal(isPython(p(['sh', '-c', 'python3 x.py'], 'sh')), false, 'a shell that will start python is not python');
  assert.equal(isNode(p(['nodejs', 'x.js'], 'nodejs')), true);
  assert.equal(isNode(p(['/usr/bin/node-exporter'], 'node-exporter')), false);
});

test('candidates: the biggest first, then the lower pid; describeProcess names pid, command and MiB', () => {
  const procs = parseHead(tree);
  assert.deepEqual(candidates(procs, isPython).map((p) => p.pid), [9, 8]);
  const same = [{ pid: 5, argv: ['python3'], name: 'python3', rssBytes: 1 }, { pid: 2, argv: ['python3'], name: 'python3', rssBytes: 1 }, { pid: 3, argv: ['python3'], name: 'python3' }];
  assert.deepEqual(candidates(same, isPython).map((p) => p.pid), [2, 5, 3]);
  assert.deepEqual(candidates(procs, () => false), []);
  assert.equal(describeProcess(procs.find((p) => p.pid === 9)!), 'pid 9: python3 -m worker (117 MiB)');
  assert.equal(describeProcess(procs.find((p) => p.pid === 13)!), 'pid 13: defunct');
});

test('parseHead reads what the real head prints over a real shell that started python', async (t) => {
  const python = '/usr/bin/python3';
  // A shell as the parent (like a PID 1 shell in a container) with python running below it.
  const sh = spawn('sh', ['-c', `${python} -c 'import sys, time; b = bytearray(40 << 20); sys.stdout.write("up\\n"); sys.stdout.flush(); time.sleep(30)' & wait`], { stdio: ['ignore', 'pipe', 'inherit'], detached: true });
  t.after(() => process.kill(-sh.pid!, 'SIGKILL'));
  await new Promise<void>((resolve) => sh.stdout.once('data', () => resolve()));
  const children = execFileSync('ps', ['-o', 'pid=', '--ppid', String(sh.pid)], { encoding: 'utf8' });
  const pids = [sh.pid!, ...pidsOf(children)];
  const procs = parseHead(execFileSync(headArgv(pids)[0]!, headArgv(pids).slice(1), { encoding: 'utf8' }));
  assert.equal(procs.length, 2);
  const [shell, py] = [procs.find((p) => p.pid === sh.pid)!, procs.find((p) => p.pid !== sh.pid)!];
  assert.equal(isPython(shell), false);
  assert.deepEqual(py.argv.slice(0, 2), [python, '-c']);
  assert.equal(py.name, 'python3');
  assert.ok(py.rssBytes! > 40 * 1024 * 1024, `VmRSS counts the 40 MiB buffer (${py.rssBytes})`);
  assert.deepEqual(candidates(procs, isPython).map((p) => p.pid), [py.pid]);
});
