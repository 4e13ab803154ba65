// Runbook step 3 for Python against real containers: capturePython on unmodified python-api pods
// (tracemalloc off, no hooks). The leaking one's top growth site is the response cache's line; the
// healthy one grows nowhere above noise; an image without gdb goes through an ephemeral debug
// container that a second capture reuses; an image with gdb is entered directly, and when ptrace
// is refused there the debug container takes over; a 403 and a debug image that cannot ptrace end
// with messages that say why; a target OOM-killed in the window and a cancel end the capture at
// once; nothing is left in the pod and tracing is off afterwards.
import assert from 'node:assert/strict';
import { KubeConfig } from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { startCluster, type Cluster, type ClusterConfig } from '../cluster/index.ts';
import { rawRequest } from '../cluster/client.ts';
import { rejection } from './captureCluster.ts';
import { ExecError, execInPod } from '../../src/cluster/podExec.ts';
import { capturePython, type PythonCaptureOptions } from '../../src/heap/python/pythonCapture.ts';
import type { AllocationReport } from '../../src/triage/model.ts';

const debugImage = 'ghcr.io/kube-memory-triage/debug:1';
// The lines of the workload's code, read from it: render_order's encode (what the cache keeps) and get_order's call of it.
const handlers = readFileSync(new URL('../cluster/workloads/python-api/app/handlers.py', import.meta.url), 'utf8').split('\n');
const renderLine = handlers.findIndex((l) => l.includes('return json.dumps(order).encode("utf-8")')) + 1;
const callLine = handlers.findIndex((l) => l.includes('body = render_order(row)')) + 1;
const user = { uid: 1000, gid: 1000, name: 'app', home: '/home/app' };
const app = (name: string, image: string, env: Record<string, string>, more: Record<string, unknown> = {}) => ({
  name, labels: { app: name },
  container: { name: 'api', image, workload: 'python-api', env: { LEAK_CONNECTIONS_EVERY: '0', ...env }, limits: { memory: '512Mi' }, ports: [8080], ...more },
});
// The healthy build keeps a bounded response cache; bounded to 10 it turns over within a second,
// so over a short window its line holds steady instead of filling up.
const healthy = { LEAK_KB_PER_REQUEST: '0', RESPONSE_CACHE_MAX_ENTRIES: '10', REQUESTS_PER_SECOND: '10' };
// python-api with PR_SET_DUMPABLE 0: its own user may not ptrace it without SYS_PTRACE.
const nonDumpable = ['python3', '-c', 'import ctypes, runpy; ctypes.CDLL(None).prctl(4, 0, 0, 0, 0); runpy.run_path("/app/server.py", run_name="__main__")'];

const config: Partial<ClusterConfig> = {
  readyDelayMs: 100,
  backoff: { baseMs: 300, maxMs: 1000 },
  images: {
    'orders-api:*': { from: 'python:slim', user, workdir: '/app' },
    'orders-api-gdb:*': { from: 'python:slim', runtimes: ['gdb'], user, workdir: '/app' },
    // A debug image whose USER is not root: without effective capabilities, SYS_PTRACE does nothing.
    'debug-nonroot:1': { from: debugImage, user: { uid: 2000 } },
  },
  pods: [
    app('leaky', 'orders-api:1.8.3', { LEAK_KB_PER_REQUEST: '48', REQUESTS_PER_SECOND: '10' }),
    app('healthy', 'orders-api:1.9.0', healthy),
    app('fresh', 'orders-api:1.9.0', healthy),
    app('with-gdb', 'orders-api-gdb:1', healthy),
    app('hardened', 'orders-api-gdb:1', healthy, { command: nonDumpable }),
    // Tracing on from its start, with one frame, as PYTHONTRACEMALLOC=1 does.
    app('traced', 'orders-api:1.8.3', { LEAK_KB_PER_REQUEST: '48', REQUESTS_PER_SECOND: '10', PYTHONTRACEMALLOC: '1' }),
    // About 8 MiB/s into 128 MiB: OOM-killed some 10 s after each start.
    app('doomed', 'orders-api:1.8.3', { LEAK_KB_PER_REQUEST: '400', REQUESTS_PER_SECOND: '20' }, { limits: { memory: '128Mi' } }),
  ],
};

let cluster: Cluster;
let kc: KubeConfig;
const ref = (name: string) => ({ context: 'emulator', namespace: 'default', name });
const capture = (pod: string, more: Partial<PythonCaptureOptions> = {}) => capturePython(kc, ref(pod), 'api', { frames: 10, windowSeconds: 6, debugImage, ...more });
const ephemeral = (pod: string): { name: string; image: string }[] => (cluster.store.get('pods', 'default', pod)?.spec as { ephemeralContainers?: { name: string; image: string }[] }).ephemeralContainers ?? [];
const exec = (pod: string, argv: string[]) => execInPod(kc, { namespace: 'default', pod, container: 'api' }, argv);


/** After a capture: no file of ours in the target's /tmp, and tracing is off (a second capture is told it was). */
async function leftNothing(pod: string): Promise<void> {
  const tmp = await exec(pod, ['ls', '-a', '/tmp']);
  assert.equal(tmp.exitCode, 0);
  assert.deepEqual(tmp.stdout.split('\n').filter((f) => f.startsWith('kmt-')), [], `/tmp of ${pod}: ${tmp.stdout.trim()}`);
}
const tracingWasOff = (r: AllocationReport) => /^tracemalloc was off: started for the window/.test(r.method.notes?.[0] ?? '');
const growth = (r: AllocationReport) => [...r.sites].sort((a, b) => (b.growthBytes ?? 0) - (a.growthBytes ?? 0));
const fmt = (r: AllocationReport) => growth(r).slice(0, 4).map((s) => `${s.file}:${s.line} +${s.growthBytes}`).join(', ');

describe('capturePython on real containers', { timeout: 240_000 }, () => {
  before(async () => {
    cluster = await startCluster({ config, prometheus: false });
    kc = new KubeConfig();
    kc.loadFromFile(cluster.kubeconfigPath);
    const deadline = Date.now() + 60_000;
    const ready = () => cluster.store.list('pods', 'default').filter((p) => p.metadata.name !== 'doomed').every((p) => (p.status as { containerStatuses?: { ready?: boolean }[] })?.containerStatuses?.[0]?.ready);
    while (!ready()) {
      assert.ok(Date.now() < deadline, 'the pods did not get ready');
      await new Promise((r) => setTimeout(r, 200));
    }
  });
  after(async () => {
    await cluster?.stop();
  });

  it('a target OOM-killed during the window: target-gone, saying so', async () => {
    type Status = { restartCount: number; state?: { running?: { startedAt?: string } } };
    const status = () => (cluster.store.get('pods', 'default', 'doomed')?.status as { containerStatuses?: Status[] } | undefined)?.containerStatuses?.[0];
    // Wait for a fresh start, so the kill comes inside the window.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const started = status()?.state?.running?.startedAt;
      if (started && Date.now() - Date.parse(started) < 3000) break;
      assert.ok(Date.now() < deadline, 'doomed never started afresh');
      await new Promise((r) => setTimeout(r, 200));
    }
    const restarts = status()!.restartCount;
    const t0 = Date.now();
    let afterwards: Status | undefined;
    const err = await rejection(capture('doomed', { windowSeconds: 40 })).finally(async () => {
      afterwards = status();
      // Its crash loop would only take CPU from the other captures.
      await rawRequest(cluster, '/api/v1/namespaces/default/pods/doomed?gracePeriodSeconds=0', { method: 'DELETE' });
    });
    assert.ok(Date.now() - t0 < 30_000, `it ended when the target died, not at the end of the window (${Date.now() - t0} ms: ${err.message})`);
    assert.ok(afterwards!.restartCount > restarts, 'it was OOM-killed');
    assert.equal(err.kind, 'target-gone', err.message);
    assert.match(err.message, /^The target went away during the capture: the container api (restarted|is not running) \(OOMKilled, exit 137\)\.$/);
    assert.match(err.hint!, /shorter window/);
  });

  let leakyReport: AllocationReport;
  it('the leaking pod (no gdb in its image): the response cache line of handlers.py grows most, through an ephemeral debug container', async () => {
    const steps: string[] = [];
    leakyReport = await capture('leaky', { windowSeconds: 10, onProgress: (m, left) => { if (left === undefined) steps.push(m); } });
    const [top, second] = growth(leakyReport);
    assert.equal(`${top!.file}:${top!.line}`, `/app/app/handlers.py:${renderLine}`, fmt(leakyReport));
    assert.equal(top!.code, 'return json.dumps(order).encode("utf-8")');
    assert.equal(top!.library, false);
    assert.equal(top!.functionName, 'render_order', 'the def around the line, read from the source in the container');
    // The response is kept by get_order's cache: the traceback goes through get_order's call of render_order.
    assert.ok(top!.traceback!.some((f) => f.file === '/app/app/handlers.py' && f.line === callLine && f.functionName === 'get_order'), 'called from get_order');
    // 10 requests/s of 48 KiB for 10 s: about 4.7 MiB, all still alive.
    assert.ok(top!.growthBytes! > 2 * 1024 * 1024 && top!.bytes > 2 * 1024 * 1024, fmt(leakyReport));
    assert.ok(top!.growthBytes! > 20 * (second!.growthBytes ?? 0), `far above the next site (${fmt(leakyReport)})`);
    assert.ok(tracingWasOff(leakyReport));
    assert.equal(leakyReport.method.measure, 'growth');
    assert.ok(leakyReport.method.windowSeconds! >= 10);
    assert.match(leakyReport.method.description, /^tracemalloc in the live process \(Python 3\.\d+\.\d+\), injected by gdb in the ephemeral container kmt-debug-\w+ \(ghcr\.io\/kube-memory-triage\/debug:1\)$/);
    assert.equal(leakyReport.pid, 1);
    assert.ok(steps.some((s) => /starting a debug container/.test(s)), steps.join('; '));
    const [debug] = ephemeral('leaky');
    assert.deepEqual([ephemeral('leaky').length, debug!.image], [1, debugImage]);
    await leftNothing('leaky');
  });

  it('a second capture reuses the debug container, finds tracing off again and leaves nothing behind', async () => {
    const steps: string[] = [];
    const again = await capture('leaky', { onProgress: (m, left) => { if (left === undefined) steps.push(m); } });
    assert.equal(ephemeral('leaky').length, 1, 'no second debug container');
    assert.match(again.method.description, new RegExp(`${ephemeral('leaky')[0]!.name} \\(ghcr\\.io/kube-memory-triage/debug:1, reused\\)$`));
    assert.ok(!steps.some((s) => /starting a debug container/.test(s)), steps.join('; '));
    assert.ok(tracingWasOff(again), 'the first capture stopped tracemalloc');
    assert.equal(`${growth(again)[0]!.file}:${growth(again)[0]!.line}`, `/app/app/handlers.py:${renderLine}`);
    await leftNothing('leaky');
  });

  it('cancelled in the window: cancelled, tracing stopped in the target and nothing left', async () => {
    const cancel = new AbortController();
    const p = capture('healthy', { windowSeconds: 60, signal: cancel.signal, onProgress: (m) => { if (m === 'measuring what grows') cancel.abort(); } });
    const t0 = Date.now();
    const err = await rejection(p);
    assert.equal(err.kind, 'cancelled');
    assert.ok(Date.now() - t0 < 20_000, 'it did not wait out the window');
    await leftNothing('healthy');
    // The next test's capture of this pod finds tracing off.
  });

  it('the healthy pod: no site grows above noise', async () => {
    const report = await capture('healthy', { windowSeconds: 10 });
    assert.ok(tracingWasOff(report), 'the cancelled capture stopped tracemalloc');
    const leak = growth(leakyReport)[0]!.growthBytes!;
    const [top] = growth(report);
    assert.ok(report.sites.length > 0, 'it did trace allocations');
    assert.ok((top?.growthBytes ?? 0) < 256 * 1024 && (top?.growthBytes ?? 0) < leak / 20, `top growth ${fmt(report)} (the leak's: ${leak})`);
    // The bounded cache is there, with its size, and does not grow.
    const cache = report.sites.find((s) => s.file === '/app/app/handlers.py' && s.line === renderLine);
    assert.ok(cache && cache.bytes > 200 * 1024, `the cache line holds its entries (${cache?.bytes})`);
    await leftNothing('healthy');
  });

  it('a 403 on pods/ephemeralcontainers names the rule; a debug container already running needs no new permission', async () => {
    cluster.admin.deny({ verb: 'patch', resource: 'pods', subresource: 'ephemeralcontainers', namespace: 'default' });
    try {
      const err = await rejection(capture('fresh'));
      assert.equal(err.kind, 'forbidden');
      assert.equal(err.message, 'The image of api has no gdb, so an ephemeral debug container needs permission to patch pods/ephemeralcontainers in namespace default.');
      assert.match(err.hint!, /Role/);
      assert.deepEqual(ephemeral('fresh'), []);
      const reused = await capture('leaky');
      assert.match(reused.method.description, /reused\)$/);
    } finally {
      cluster.admin.allow();
    }
    cluster.admin.deny({ verb: 'create', resource: 'pods', subresource: 'exec', namespace: 'default' });
    try {
      const err = await rejection(capture('fresh'));
      assert.equal(err.kind, 'forbidden');
      assert.equal(err.message, 'Looking into the live process needs permission to create pods/exec in namespace default.');
    } finally {
      cluster.admin.allow();
    }
  });

  it('a debug container that may not ptrace the target: the message says SYS_PTRACE, and nothing was started', async () => {
    const err = await rejection(capture('fresh', { debugImage: 'debug-nonroot:1' }));
    assert.equal(err.kind, 'ptrace');
    assert.match(err.message, /^ptrace of process 1 was refused \(ptrace: Operation not permitted\.\)\.$/);
    assert.match(err.hint!, /SYS_PTRACE/);
    assert.deepEqual(ephemeral('fresh').map((c) => c.image), ['debug-nonroot:1']);
    await leftNothing('fresh');
    assert.ok(tracingWasOff(await capture('fresh')), 'tracemalloc was never started');
  });

  it('an image with gdb is entered directly; when ptrace is refused there, the debug container takes over', async () => {
    const direct = await capture('with-gdb');
    assert.match(direct.method.description, /injected by gdb in the container api$/);
    assert.deepEqual(ephemeral('with-gdb'), []);
    await leftNothing('with-gdb');
    const steps: string[] = [];
    const hardened = await capture('hardened', { onProgress: (m, left) => { if (left === undefined) steps.push(m); } });
    assert.ok(steps.includes('ptrace refused in the app container: using an ephemeral debug container'), steps.join('; '));
    assert.match(hardened.method.description, /injected by gdb in the ephemeral container kmt-debug-\w+ /);
    assert.ok(hardened.sites.some((s) => s.file === '/app/app/handlers.py'), 'it traced the service');
    await leftNothing('hardened');
  });

  it('PYTHONTRACEMALLOC=1: growth from the start of the window, and tracing is left on as it was', async () => {
    const first = await capture('traced');
    assert.match(first.method.notes![0]!, /^tracemalloc was already on \(PYTHONTRACEMALLOC\)/);
    const [top] = growth(first);
    assert.equal(`${top!.file}:${top!.line}`, `/app/app/handlers.py:${renderLine}`, fmt(first));
    // Traced since the process started: the cache holds blocks from before the window too.
    assert.ok(top!.count > top!.growthCount! && top!.growthCount! > 20 && top!.growthBytes! > 1024 * 1024, `${top!.count} blocks, ${top!.growthCount} since the start; ${fmt(first)}`);
    assert.equal(top!.traceback!.length, 1, 'one frame, as the setting says');
    const second = await capture('traced');
    assert.match(second.method.notes![0]!, /already on/, 'not stopped: it was not ours');
    await leftNothing('traced');
  });

  it('execInPod: exit codes, a missing executable, bounded output', async () => {
    assert.deepEqual(await exec('healthy', ['sh', '-c', 'echo out; echo err >&2; exit 3']), { exitCode: 3, stdout: 'out\n', stderr: 'err\n' });
    await assert.rejects(exec('healthy', ['gdb', '--version']), (e: unknown) => e instanceof ExecError && e.kind === 'not-found' && /gdb: not found in container api/.test(e.message));
    const flood = execInPod(kc, { namespace: 'default', pod: 'healthy', container: 'api' }, ['python3', '-c', 'print("x" * 100000)'], { maxBytes: 1000 });
    await assert.rejects(flood, (e: unknown) => e instanceof ExecError && e.kind === 'too-much-output' && e.message === 'python3 wrote more than 1000 bytes');
  });
});
