// The process-only fallback runtime (for machines without root or memory cgroups) against real
// workload processes: OOM kills by polling, exec, ports, signals and clean-up.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { request } from 'node:http';
import { ProcessRuntime } from '../cluster/runtime/index.ts';
import type { ContainerLaunch, ProcessExit } from '../cluster/runtime/index.ts';

const MiB = 1024 * 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function run(rt: ProcessRuntime, pod: string, c: string, argv: string[], stdin?: string) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (d: Buffer) => out.push(d));
  stderr.on('data', (d: Buffer) => err.push(d));
  const input = stdin === undefined ? undefined : PassThrough.from([stdin]);
  const code = await rt.exec(pod, c, argv, { stdin: input, stdout, stderr });
  return { code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}

/** GET through connect(), the way a port-forward reaches the pod. */
function get(rt: ProcessRuntime, pod: string, port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ path, headers, createConnection: () => rt.connect(pod, undefined, port) }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d) => (body += d)).on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject).end();
  });
}

async function until<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await Promise.resolve().then(fn).catch(() => undefined);
    if (v !== undefined && v !== false) return v as T;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

describe('process runtime (the fallback)', () => {
  const rt = new ProcessRuntime({ pollMs: 200, graceMs: 3000 });
  const exits = new Map<string, ProcessExit[]>();
  const pids: number[] = [];
  const launch = (l: ContainerLaunch) => {
    exits.set(l.podKey, []);
    const started = rt.startNow(l, (e) => exits.get(l.podKey)!.push(e));
    pids.push(started.pid);
    return started;
  };

  before(() => {
    // A steady Python API (no load) for exec and the memory report, a Node one without Python.
    launch({ podKey: 'default/api-steady', container: 'api', workload: 'python-api', ports: [8080],
      env: { REQUESTS_PER_SECOND: '0', GREETING: 'hello from the pod' } });
    launch({ podKey: 'default/sessions', container: 'web', workload: 'node-api', ports: [3000],
      env: { REQUESTS_PER_SECOND: '5', LEAK_KB_PER_REQUEST: '4' } });
  });
  after(async () => {
    await rt.stopAll();
    for (const pid of pids) assert.equal(alive(pid), false, `process ${pid} left behind`);
  });

  it('OOM-kills a leaking workload over its limit, with exit code 137, while its healthy sibling lives on', async () => {
    const limit = 120 * MiB;
    launch({ podKey: 'default/api-leaky', container: 'api', workload: 'python-api', memoryLimitBytes: limit,
      env: { LEAK_KB_PER_REQUEST: '256', REQUESTS_PER_SECOND: '20' } });
    launch({ podKey: 'default/api-healthy', container: 'api', workload: 'python-api', memoryLimitBytes: limit,
      env: { LEAK_KB_PER_REQUEST: '0', REQUESTS_PER_SECOND: '20' } });
    const seen: number[] = [];
    const exit = await until('the OOM kill', () => {
      const u = rt.usage('default/api-leaky', 'api');
      if (u) seen.push(u.workingSetBytes);
      return exits.get('default/api-leaky')![0];
    }, 90_000);
    assert.equal(exit.oomKilled, true);
    assert.equal(exit.exitCode, 137);
    assert.equal(exit.signal, 'SIGKILL');
    assert.ok(Math.max(...seen) > 80 * MiB, `working set grew (max ${Math.max(...seen)})`);
    assert.ok(Math.max(...seen) <= limit + 40 * MiB, 'killed soon after crossing the limit');
    assert.equal(rt.usage('default/api-leaky', 'api'), undefined);
    const healthy = rt.usage('default/api-healthy', 'api');
    assert.ok(healthy && healthy.workingSetBytes < 0.8 * limit, `healthy sibling below 80% (${healthy?.workingSetBytes})`);
    assert.equal(exits.get('default/api-healthy')!.length, 0);
    await rt.stop('default/api-healthy');
    assert.equal(exits.get('default/api-healthy')!.length, 0, 'stop() does not report an exit');
  });

  it('reaches the workload port through connect()', async () => {
    const res = await until('the API to listen', () => get(rt, 'default/api-steady', 8080, '/health'));
    assert.equal(res.status, 200);
    assert.deepEqual(JSON.parse(res.body), { status: 'ok' });
    const order = await get(rt, 'default/api-steady', 8080, '/orders/7');
    assert.equal(JSON.parse(order.body).id, 7);
    await assert.rejects(get(rt, 'default/api-steady', 9999, '/health'), /ECONNREFUSED/);
  });

  it('exec runs argv in the container cwd and env and returns its exit code', async () => {
    const pwd = await run(rt, 'default/api-steady', 'api', ['pwd']);
    assert.equal(pwd.code, 0);
    assert.match(pwd.stdout.trim(), /default_api-steady\/api\/workdir$/);
    const env = await run(rt, 'default/api-steady', 'api', ['env']);
    assert.match(env.stdout, /^GREETING=hello from the pod$/m);
    const ls = await run(rt, 'default/api-steady', 'api', ['ls', 'infrastructure']);
    assert.match(ls.stdout, /db\.py/);
    const code = await run(rt, 'default/api-steady', 'api', ['sh', '-c', 'echo oops >&2; exit 3']);
    assert.deepEqual([code.code, code.stderr], [3, 'oops\n']);
    const cat = await run(rt, 'default/api-steady', 'api', ['cat'], 'piped through stdin');
    assert.equal(cat.stdout, 'piped through stdin');
    const py = await run(rt, 'default/api-steady', 'api', ['python', '-c', 'import sqlalchemy, sys; print(sqlalchemy.__version__, sys.executable)']);
    assert.match(py.stdout, /^1\.4\.\d+ /);
  });

  it('exec fails like the real runtime for a missing executable, and the Node image has no Python', async () => {
    await assert.rejects(run(rt, 'default/api-steady', 'api', ['no-such-tool']), { message: 'exec: "no-such-tool": executable file not found in $PATH' });
    await until('node-api to start', () => get(rt, 'default/sessions', 3000, '/health'));
    for (const argv0 of ['python', 'python3', '/usr/bin/python3']) {
      await assert.rejects(run(rt, 'default/sessions', 'web', [argv0, '-V']), { message: `exec: "${argv0}": executable file not found in $PATH` });
    }
    const node = await run(rt, 'default/sessions', 'web', ['node', '-e', 'console.log(process.version)']);
    assert.match(node.stdout, /^v2[4-9]\./);
  });


  it('kill in a container refuses to reach host processes', async () => {
    const r = await run(rt, 'default/api-steady', 'api', ['kill', '-0', String(process.pid)]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /No such process/);
  });


  it('reports a real exit: SIGTERM stops the Python API with code 0', async () => {
    await until('the API to listen', () => get(rt, 'default/api-steady', 8080, '/health'));
    assert.equal(rt.signal('default/api-steady', 'api', 'SIGTERM'), true);
    const exit = await until('the exit', () => exits.get('default/api-steady')![0]);
    assert.deepEqual([exit.exitCode, exit.oomKilled], [0, false]);
    assert.equal(rt.signal('default/api-steady', 'api', 'SIGTERM'), false);
    await assert.rejects(run(rt, 'default/api-steady', 'api', ['true']), /is not running/);
  });
});
