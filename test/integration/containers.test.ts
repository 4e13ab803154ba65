// The container runtime against real workloads in real namespaces and memory cgroups: the kernel's
// OOM kill, PID 1 and image paths, a slim image without gdb or python, exec as the image's user,
// port-forward into the pod's network namespace, disjoint socket tables, ephemeral containers in
// a target's PID namespace, ptrace refused without SYS_PTRACE, and nothing left behind.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { request } from 'node:http';
import { PassThrough } from 'node:stream';
import { execFileSync } from 'node:child_process';
import { containerSupport } from '../cluster/driver.ts';
import { ContainerRuntime } from '../cluster/runtime/containers.ts';
import type { ContainerLaunch, ProcessExit } from '../cluster/runtime/types.ts';

const MiB = 1024 * 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const support = await containerSupport();
// On these machines and in CI the real runtime must run: a machine without it fails here, loudly.
assert.deepEqual(support.missing, [], `containers cannot run here: ${support.missing.join('; ')}`);

async function until<T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await Promise.resolve().then(fn).catch(() => undefined);
    if (v !== undefined && v !== false) return v as T;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

describe('container runtime', () => {
  const rt = new ContainerRuntime({ cgroupVersion: support.version!, graceMs: 2000 });
  const exits = new Map<string, ProcessExit[]>();
  const start = async (l: Partial<ContainerLaunch> & { podKey: string; container: string }) => {
    exits.set(`${l.podKey}/${l.container}`, []);
    await rt.sandbox(l.podKey, l.podKey.split('/')[1]);
    return rt.start({ workload: '', env: {}, ...l }, (e) => exits.get(`${l.podKey}/${l.container}`)!.push(e));
  };
  const run = async (pod: string, c: string, argv: string[], stdin?: string) => {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    stdout.on('data', (d: Buffer) => out.push(d));
    stderr.on('data', (d: Buffer) => err.push(d));
    const code = await rt.exec(pod, c, argv, { stdin: stdin === undefined ? undefined : PassThrough.from([stdin]), stdout, stderr });
    return { code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
  };
  const get = (pod: string, port: number, path: string) => new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request({ path, createConnection: () => rt.connect(pod, undefined, port) as never }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d) => (body += d)).on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject).end();
  });
  const pids: number[] = [];

  after(async () => {
    const top = (rt as unknown as { top: string }).top;
    // this runtime's own bridge: another cluster on the machine (a parallel run) may hold others
    const net = await (rt as unknown as { network?: Promise<{ bridge: string; index: number }> }).network;
    await rt.stopAll();
    for (const pid of pids) assert.equal(existsSync(`/proc/${pid}`), false, `process ${pid} left behind`);
    for (const ctl of ['memory', 'cpuacct']) assert.equal(existsSync(`/sys/fs/cgroup/${ctl}/${top}`), false, `cgroup ${ctl}/${top} left behind`);
    const links = execFileSync('ip', ['-o', 'link', 'show']).toString();
    if (net) assert.doesNotMatch(links, new RegExp(`${net.bridge}:|kmt${net.index}p`), 'bridge or veth left behind');
  });

  it('runs the workload as PID 1 of its own PID namespace, at the image path, as the image user', async () => {
    const s = await start({ podKey: 'default/api-1', container: 'api', workload: 'python-api', image: 'shop/orders-api:1', command: ['python3', '/app/server.py'], env: { REQUESTS_PER_SECOND: '0' }, ports: [8080] });
    pids.push(s.pid);
    const cmdline = await run('default/api-1', 'api', ['cat', '/proc/1/cmdline']);
    assert.equal(cmdline.stdout.split('\0').filter(Boolean).join(' '), 'python3 /app/server.py');
    assert.equal((await run('default/api-1', 'api', ['id', '-u'])).stdout.trim(), '1000');
    assert.equal((await run('default/api-1', 'api', ['readlink', '/proc/1/cwd'])).stdout.trim(), '/app');
    assert.match((await run('default/api-1', 'api', ['ls', '/app'])).stdout, /^server\.py$/m);
    // /tmp is private to the container; the host's /tmp files are not there.
    assert.equal((await run('default/api-1', 'api', ['ls', '-A', '/tmp'])).stdout.includes('kmt-'), false);
    // The kernel's own view: the process is in its own PID namespace, not the host's.
    assert.notEqual(readFileSync(`/proc/${s.pid}/status`, 'utf8').match(/^NSpid:\s+(.*)$/m)?.[1].split(/\s+/).length, 1);
    const res = await until('the API to listen', () => get('default/api-1', 8080, '/health'));
    assert.equal(res.status, 200);
    await assert.rejects(get('default/api-1', 9999, '/health'), /ECONNREFUSED|connect/);
  });

  it('an image has only its own tools: no gdb in the app image, no python in the Node image, by name or path', async () => {
    await assert.rejects(run('default/api-1', 'api', ['gdb', '--version']), /executable file not found/);
    await start({ podKey: 'default/sessions-1', container: 'web', workload: 'node-api', image: 'shop/sessions:1', command: ['node', '/usr/src/app/server.js'], env: { REQUESTS_PER_SECOND: '1' }, ports: [8080] });
    for (const argv0 of ['python', 'python3', '/usr/bin/python3']) {
      await assert.rejects(run('default/sessions-1', 'web', [argv0, '-V']), /executable file not found/);
    }
    const ls = await run('default/sessions-1', 'web', ['sh', '-c', 'ls /usr/lib/python3*/os.py 2>/dev/null | wc -l']);
    assert.equal(ls.stdout.trim(), '0', 'the Python standard library is hidden from the Node image');
    assert.match((await run('default/sessions-1', 'web', ['node', '-e', 'console.log(process.version)'])).stdout, /^v2\d\./);
  });

  it('exec runs argv with the container env, cwd and stdin, and returns its exit code', async () => {
    const code = await run('default/api-1', 'api', ['sh', '-c', 'echo oops >&2; exit 3']);
    assert.deepEqual([code.code, code.stderr], [3, 'oops\n']);
    assert.equal((await run('default/api-1', 'api', ['cat'], 'piped through stdin')).stdout, 'piped through stdin');
    assert.equal((await run('default/api-1', 'api', ['pwd'])).stdout.trim(), '/app');
    assert.match((await run('default/api-1', 'api', ['env'])).stdout, /^PYTHONUNBUFFERED=1$/m);
  });

  it('each pod has its own network namespace: disjoint socket tables, one address each', async () => {
    await until('node-api to listen', () => get('default/sessions-1', 8080, '/health'));
    const a = rt.podIP('default/api-1')!;
    const b = rt.podIP('default/sessions-1')!;
    assert.match(a, /^10\.244\.\d+\.\d+$/);
    assert.notEqual(a, b);
    const hexIP = (ip: string) => ip.split('.').reverse().map((o) => Number(o).toString(16).padStart(2, '0')).join('').toUpperCase();
    const table = async (pod: string, c: string) => (await run(pod, c, ['cat', '/proc/net/tcp'])).stdout;
    const ta = await table('default/api-1', 'api');
    const tb = await table('default/sessions-1', 'web');
    const locals = (t: string) => new Set(t.split('\n').slice(1).filter(Boolean).map((l) => l.trim().split(/\s+/)[1].split(':')[0]));
    for (const addr of locals(ta)) assert.ok([hexIP(a), '0100007F', '00000000'].includes(addr), `api's table has only its own addresses (${addr})`);
    assert.equal([...locals(tb)].includes(hexIP(a)), false, "the Node pod's table holds none of the Python pod's sockets");
  });

  it('the working set is the cgroup\'s (usage - inactive_file) and follows what the container allocates', async () => {
    const before = rt.usage('default/api-1', 'api')!;
    assert.ok(before.workingSetBytes > 5 * MiB && before.workingSetBytes <= before.usageBytes);
    const hog = run('default/api-1', 'api', ['python3', '-c', 'import time; b = bytearray(60 * 1024 * 1024); time.sleep(3)']);
    const during = await until('the exec to be counted', () => { const u = rt.usage('default/api-1', 'api')!; return u.workingSetBytes > before.workingSetBytes + 50 * MiB ? u : undefined; }, 10_000);
    assert.ok(during.rssBytes > 50 * MiB);
    await hog;
  });

  it('the kernel OOM-kills a container over its limit; the cgroup counted it; the exit is 137', async () => {
    await start({ podKey: 'default/api-leaky', container: 'api', workload: 'python-api', image: 'shop/orders-api:1', command: ['python3', '/app/server.py'], memoryLimitBytes: 96 * MiB,
      env: { LEAK_KB_PER_REQUEST: '512', REQUESTS_PER_SECOND: '40' }, ports: [8080] });
    const seen: number[] = [];
    const exit = await until('the OOM kill', () => {
      const u = rt.usage('default/api-leaky', 'api');
      if (u) seen.push(u.workingSetBytes);
      return exits.get('default/api-leaky/api')![0];
    }, 90_000);
    assert.deepEqual([exit.oomKilled, exit.exitCode], [true, 137]);
    assert.ok(Math.max(...seen) > 60 * MiB, `it grew first (max ${Math.max(...seen)})`);
    assert.ok(Math.max(...seen) <= 96 * MiB, 'never above the limit: the kernel enforces it');
  });

  it('an ephemeral container joins the target\'s PID namespace with SYS_PTRACE and gdb reaches its PID 1', async () => {
    await start({ podKey: 'default/api-1', container: 'debugger', image: 'ghcr.io/kube-memory-triage/debug:1', command: ['sleep', '600'], targetContainer: 'api',
      securityContext: { capabilities: { add: ['SYS_PTRACE'] } } });
    const ps = await run('default/api-1', 'debugger', ['ps', '-eo', 'pid,user,args']);
    assert.match(ps.stdout, /^\s*1\s+1000\s+python3 \/app\/server\.py$/m);
    const caps = await run('default/api-1', 'debugger', ['grep', 'CapEff', '/proc/self/status']);
    assert.ok((BigInt(`0x${caps.stdout.split(/\s+/)[1]}`) >> 19n) & 1n, 'SYS_PTRACE is effective');
    const gdb = await run('default/api-1', 'debugger', ['gdb', '-batch', '-nx', '-ex', 'set sysroot /proc/1/root', '-ex', 'attach 1', '-ex', 'info inferiors', '-ex', 'detach']);
    assert.match(gdb.stdout, /process 1\b/);
    // The app container itself runs on (the attach paused it only for a moment).
    assert.equal((await get('default/api-1', 8080, '/health')).status, 200);
  });

  it('without SYS_PTRACE, gdb cannot attach to a process that made itself non-dumpable, even as its own user', async () => {
    const nondumpable = 'import ctypes, time; ctypes.CDLL(None).prctl(4, 0, 0, 0, 0); time.sleep(600)';
    await start({ podKey: 'default/hardened', container: 'app', image: 'ghcr.io/kube-memory-triage/debug:1', command: ['python3', '-c', nondumpable], securityContext: { runAsUser: 1000 } });
    await sleep(500);
    const refused = await run('default/hardened', 'app', ['gdb', '-batch', '-nx', '-p', '1']);
    assert.match(refused.stdout + refused.stderr, /ptrace: Operation not permitted/);
    // The control: the same user attaches to a process of its own that stayed dumpable.
    const sibling = await run('default/hardened', 'app', ['sh', '-c', 'sleep 30 & gdb -batch -nx -p $! 2>&1; kill $!']);
    assert.doesNotMatch(sibling.stdout, /Operation not permitted/);
    assert.match(sibling.stdout, /\[Inferior 1 \(process \d+\) detached\]/);
  });

  it('stop() ends the pod: processes, cgroups and its network go', async () => {
    const podCgroups = () => readdirSync(`/sys/fs/cgroup/memory/${(rt as unknown as { top: string }).top}`).filter((d) => d.includes('sessions-1'));
    assert.equal(podCgroups().length, 1);
    await rt.stop('default/sessions-1');
    assert.equal(podCgroups().length, 0);
    assert.equal(rt.podIP('default/sessions-1'), undefined);
  });
});
