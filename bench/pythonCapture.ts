// Benchmark (not a test): what a step-3 capture (capturePython: gdb from an ephemeral debug
// container, tracemalloc in the live process) costs the target, on the local cluster's real
// python-api container: its pause per injection, its extra memory during and after the window
// against the leak's own growth measured without a capture, tracemalloc's own memory per traced
// MiB and per block, and what a client of the service sees meanwhile (an HTTP probe of /health).
// Also: the runbook's way (a second interpreter in the pod), and a calibration of tracemalloc's
// cost per block in a fresh interpreter in the same pod.
//
//   node bench/pythonCapture.ts [--window 30] [--runs 3]
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeConfig } from '@kubernetes/client-node';
import { startCluster, type Cluster } from '../test/cluster/index.ts';
import { execInPod, type ExecTarget } from '../src/cluster/podExec.ts';
import { openSession } from '../src/cluster/session.ts';
import { capturePython } from '../src/heap/python/pythonCapture.ts';
import type { AllocationReport } from '../src/triage/model.ts';

// Run with `python3 -c` in the app container (argv, no shell). The first reads the target's status
// and resets its peak; the second measures tracemalloc's bytes per block on 200,000 blocks of
// <size>..<size>+63 B (one fresh interpreter per size: a second round would reuse the first's freed memory).
const py = {
  readAndResetPeak: [
    'import sys', 'p = sys.argv[1]', "s = open('/proc/%s/status' % p).read()", "open('/proc/%s/clear_refs' % p, 'w').write('5')", 'print(s)',
  ].join('\n'),
  calibration: String.raw`
import gc, sys, tracemalloc
from operator import itemgetter
base = int(sys.argv[1])
def vm(key):
    for line in open("/proc/self/status"):
        if line.startswith(key + ":"):
            return int(line.split()[1]) * 1024
tracemalloc.start(10)
m0 = tracemalloc.get_tracemalloc_memory()
keep = [b"x" * (base + i % 64) for i in range(200000)]
m1 = tracemalloc.get_tracemalloc_memory()
gc.collect()
rss = vm("VmRSS")
open("/proc/self/clear_refs", "w").write("5")
snap = tracemalloc.take_snapshot()
n = len(snap.traces)
peak_snapshot = vm("VmHWM") - rss
held = vm("VmRSS") - rss
order = sorted(snap.traces._traces, key=itemgetter(2))
peak_sorted = vm("VmHWM") - rss
print("%d blocks of %d-%d B: tracemalloc keeps %.0f B per block; take_snapshot() peaks %.0f B per block above RSS and the live snapshot holds %.0f B; %.0f B with the engine's sort of the raw traces"
      % (n, base, base + 63, (m1 - m0) / len(keep), peak_snapshot / n, held / n, peak_sorted / n))
`,
};

/** The runbook's step 3 as written, with `operations` at its "# ... run some operations ...". */
const runbookProgram = (operations: string) => ['import tracemalloc', 'tracemalloc.start()', operations, 'snapshot = tracemalloc.take_snapshot()',
  "for stat in snapshot.statistics('lineno')[:10]:", '    print(stat)'].join('\n');
// As written, nothing runs between start and snapshot; the most a person can put there is the
// service's own module, imported afresh into the new interpreter (its cache empty).
const RUNBOOK_VARIANTS = [
  { label: 'as written', operations: '# ... run some operations ...' },
  { label: 'with `from app import handlers` at the "..."', operations: 'from app import handlers' },
];

interface ProbeSample { readonly start: number; readonly end: number; readonly ok: boolean }

/** Latency of the probe requests that overlap [from, to] (ms). */
function probeStats(samples: readonly ProbeSample[], from: number, to: number): { p50: number; p99: number; max: number; failed: number } {
  const hit = samples.filter((s) => s.start < to && s.end > from);
  const ms = hit.map((s) => s.end - s.start).sort((a, b) => a - b);
  const at = (q: number) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))] ?? 0;
  return { p50: at(0.5), p99: at(0.99), max: ms.at(-1) ?? 0, failed: hit.filter((s) => !s.ok).length };
}

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
};
const WINDOW = Number(arg('window', '30'));
const RUNS = Number(arg('runs', '3'));
const SETTLE_MS = 5_000; // imports done, the SQLite table seeded, the load generator running
const DEBUG_IMAGE = 'ghcr.io/kube-memory-triage/debug:1';
const APP = 'api';

interface Config { readonly name: string; readonly pod: string; readonly env: Record<string, string> }
// LEAK_CONNECTIONS_EVERY=0: an exhausted pool would turn requests into 503s and stop the memory leak.
const CONFIGS: Config[] = [
  { name: 'moderate leak (10 req/s × 16 KiB)', pod: 'leak', env: { REQUESTS_PER_SECOND: '10', LEAK_KB_PER_REQUEST: '16', LEAK_CONNECTIONS_EVERY: '0' } },
  { name: 'many small objects (50 req/s × 1 KiB)', pod: 'small', env: { REQUESTS_PER_SECOND: '50', LEAK_KB_PER_REQUEST: '1', LEAK_CONNECTIONS_EVERY: '0' } },
];

interface Status { readonly rssKiB: number; readonly hwmKiB: number; readonly at: number }

/** The target's VmRSS and VmHWM, read through the pod; VmHWM is reset after the read (clear_refs 5), so the next read's peak is the next phase's. */
async function status(kc: KubeConfig, target: ExecTarget, pid: number): Promise<Status> {
  const t0 = performance.now();
  const out = await execInPod(kc, target, ['python3', '-c', py.readAndResetPeak, String(pid)], { timeoutMs: 20_000 });
  const kib = (key: string) => {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB$`, 'm').exec(out.stdout);
    if (!m) throw new Error(`no ${key} in /proc/${pid}/status: ${out.stderr || out.stdout.slice(0, 200)}`);
    return Number(m[1]);
  };
  return { rssKiB: kib('VmRSS'), hwmKiB: kib('VmHWM'), at: (t0 + performance.now()) / 2 };
}

/** Sequential GETs of /health from outside the pod (the pod network), one every 100 ms: a client's view of the pauses. */
class LatencyProbe {
  readonly samples: ProbeSample[] = [];
  private running = true;
  private readonly done: Promise<void>;
  constructor(url: string) {
    this.done = this.loop(url);
  }
  private async loop(url: string): Promise<void> {
    while (this.running) {
      const start = performance.now();
      const ok = await fetch(url, { signal: AbortSignal.timeout(15_000) }).then((r) => r.text().then(() => r.ok), () => false);
      this.samples.push({ start, end: performance.now(), ok });
      await sleep(100);
    }
  }
  stop(): Promise<void> {
    this.running = false;
    return this.done;
  }
}

interface Run {
  readonly report: AllocationReport;
  readonly pauses: readonly { total: number; stopped: number; ours: number }[];
  readonly overheadKiB: number;
  readonly tracedKiB: number;
  readonly before: Status;
  readonly afterStart: Status;
  readonly endOfWindow: Status;
  readonly after: Status;
  /** When each injection ran (performance.now()), for the probe. */
  readonly startInjection: readonly [number, number];
  readonly stopInjection: readonly [number, number];
}

function parseNotes(report: AllocationReport): Pick<Run, 'pauses' | 'overheadKiB' | 'tracedKiB'> {
  const notes = (report.method.notes ?? []).join('\n');
  const pauses = [...notes.matchAll(/(\d+) ms \((\d+) stopped, (\d+) running our code\)/g)].map((m) => ({ total: Number(m[1]), stopped: Number(m[2]), ours: Number(m[3]) }));
  const own = /own memory at the end: (\d+) KiB for (\d+) KiB traced/.exec(notes);
  if (pauses.length !== 2 || !own) throw new Error(`the report's notes do not carry the pauses and tracemalloc's memory:\n${notes}`);
  return { pauses, overheadKiB: Number(own[1]), tracedKiB: Number(own[2]) };
}

async function captureRun(kc: KubeConfig, target: ExecTarget, pid: number): Promise<Run> {
  const before = await status(kc, target, pid);
  let afterStart: Promise<Status> | undefined;
  let endOfWindow: Promise<Status> | undefined;
  const marks = { startBegin: 0, startEnd: 0, stopBegin: 0 };
  const report = await capturePython(kc, { context: 'emulator', namespace: target.namespace, name: target.pod }, APP, {
    frames: 10, windowSeconds: WINDOW, debugImage: DEBUG_IMAGE,
    onProgress: (message, secondsLeft) => {
      if (message.startsWith('starting tracemalloc')) marks.startBegin = performance.now();
      else if (secondsLeft !== undefined && !afterStart) {
        marks.startEnd = performance.now();
        afterStart = status(kc, target, pid);
        afterStart.catch(() => {}); // awaited below; this only keeps a failure from being unhandled meanwhile
      } else if (message === 'taking the result') {
        // Read (and reset the peak) while gdb starts, attaches and loads symbols: done before the snapshot.
        marks.stopBegin = performance.now();
        endOfWindow = status(kc, target, pid);
        endOfWindow.catch(() => {});
      }
    },
  });
  const stopEnd = performance.now();
  if (report.pid !== pid) throw new Error(`the capture traced pid ${report.pid}, not ${pid}`);
  if (!afterStart || !endOfWindow) throw new Error('the capture gave no window progress');
  return {
    report, ...parseNotes(report), before, afterStart: await afterStart, endOfWindow: await endOfWindow, after: await status(kc, target, pid),
    startInjection: [marks.startBegin, marks.startEnd], stopInjection: [marks.stopBegin, stopEnd],
  };
}

interface ConfigResult {
  readonly config: Config;
  readonly leakKiBPerSecond: number;
  readonly baselineProbe: ReturnType<typeof probeStats>;
  readonly runs: readonly { run: Run; probe: ReturnType<typeof probeStats>; startMax: number; stopMax: number }[];
  readonly runbook?: readonly { readonly label: string; readonly ms: number; readonly exitCode: number; readonly lines: readonly string[] }[];
  readonly calibration?: readonly string[];
  /** The source files the stop's linecache.getline read for the last run's sites (they stay in linecache.cache). */
  readonly sources: { readonly files: number; readonly bytes: number };
}

async function sourceBytes(kc: KubeConfig, target: ExecTarget, report: AllocationReport): Promise<{ files: number; bytes: number }> {
  const files = [...new Set(report.sites.map((s) => s.file).filter((f) => f.startsWith('/')))].slice(0, 100);
  if (files.length === 0) return { files: 0, bytes: 0 };
  const out = await execInPod(kc, target, ['wc', '-c', ...files]);
  const total = /^\s*(\d+) total$/m.exec(out.stdout) ?? /^\s*(\d+) /.exec(out.stdout);
  return { files: files.length, bytes: Number(total?.[1] ?? 0) };
}

async function podIP(cluster: Cluster, name: string): Promise<string> {
  for (let i = 0; i < 120; i++) {
    const pod = cluster.store.get('pods', 'default', name) as { status?: { podIP?: string; containerStatuses?: { ready?: boolean }[] } } | undefined;
    if (pod?.status?.containerStatuses?.[0]?.ready && pod.status.podIP) return pod.status.podIP;
    await sleep(250);
  }
  throw new Error(`pod ${name} did not become ready`);
}

async function benchConfig(config: Config, extras: boolean): Promise<ConfigResult> {
  const cluster = await startCluster({
    prometheus: false,
    config: {
      readyDelayMs: 100, prometheus: { enabled: false, backfillMinutes: 0 },
      pods: [{ name: config.pod, labels: { app: config.pod }, container: { name: APP, image: 'orders-api:1.8.3', workload: 'python-api', env: config.env, limits: { memory: '512Mi' }, ports: [8080] } }],
    },
  });
  const probe = new LatencyProbe(`http://${await podIP(cluster, config.pod)}:8080/health`);
  try {
    const kc = openSession({ context: '', namespace: 'default', labelSelector: '' }, cluster.kubeconfigPath).kubeConfig;
    const target = { namespace: 'default', pod: config.pod, container: APP };
    const cmdline = (await execInPod(kc, target, ['cat', '/proc/1/cmdline'])).stdout.split('\0').join(' ').trim();
    if (cmdline !== 'python3 /app/server.py') throw new Error(`PID 1 of ${config.pod} is "${cmdline}", not the server`);
    await sleep(SETTLE_MS);
    const b0 = await status(kc, target, 1);
    await sleep(WINDOW * 1000);
    const b1 = await status(kc, target, 1);
    const leakKiBPerSecond = (b1.rssKiB - b0.rssKiB) / ((b1.at - b0.at) / 1000);
    const baselineProbe = probeStats(probe.samples, b0.at, b1.at);
    console.error(`${config.name}: without a capture the RSS grows ${leakKiBPerSecond.toFixed(0)} KiB/s; probe p50 ${baselineProbe.p50.toFixed(1)} ms`);
    const runs = [];
    for (let i = 0; i < RUNS; i++) {
      const run = await captureRun(kc, target, 1);
      const max = ([a, b]: readonly [number, number]) => probeStats(probe.samples, a, b).max;
      runs.push({ run, probe: probeStats(probe.samples, run.afterStart.at, run.endOfWindow.at), startMax: max(run.startInjection), stopMax: max(run.stopInjection) });
      const top = run.report.sites[0];
      console.error(`  run ${i + 1}: paused ${run.pauses.map((p) => p.total).join(' / ')} ms; top site ${top ? `${top.file}:${top.line}` : 'none'}`);
    }
    const sources = await sourceBytes(kc, target, runs.at(-1)!.run.report);
    if (!extras) return { config, leakKiBPerSecond, baselineProbe, runs, sources };
    const runbook = [];
    for (const { label, operations } of RUNBOOK_VARIANTS) {
      const t0 = performance.now();
      const rb = await execInPod(kc, target, ['python3', '-c', runbookProgram(operations)], { timeoutMs: 60_000 });
      runbook.push({ label, ms: performance.now() - t0, exitCode: rb.exitCode, lines: `${rb.stdout}${rb.stderr}`.trim().split('\n').filter(Boolean).slice(0, 12) });
    }
    const calibration = [];
    for (const size of [100, 300]) calibration.push((await execInPod(kc, target, ['python3', '-c', py.calibration, String(size)], { timeoutMs: 120_000 })).stdout.trim());
    return { config, leakKiBPerSecond, baselineProbe, runs, sources, runbook, calibration };
  } finally {
    await probe.stop();
    await cluster.stop();
  }
}

const results: ConfigResult[] = [];
for (const [i, config] of CONFIGS.entries()) results.push(await benchConfig(config, i === 0));
printTables(results);

function printTables(all: readonly ConfigResult[]): void {
  const f = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  const mib = (kib: number) => `${f(kib / 1024, 1)} MiB`;
  const load = loadavg().map((l) => l.toFixed(1)).join(' ');
  console.log(`${new Date().toISOString()}, Node ${process.version}, window ${WINDOW} s, ${RUNS} runs per config, load average ${load}\n`);
  console.log('Pause and latency (probe: GET /health every 100 ms from outside the pod)\n');
  console.log('| config | run | start: paused (gdb stop + our code) | stop: paused | probe max around start / stop | probe p50 / p99 in window (without capture) |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const c of all) {
    for (const [i, { run, probe, startMax, stopMax }] of c.runs.entries()) {
      const [s, e] = run.pauses;
      console.log(`| ${c.config.name} | ${i + 1} | ${s!.total} ms (${s!.stopped} + ${s!.ours}) | ${e!.total} ms (${e!.stopped} + ${e!.ours}) | ${f(startMax)} / ${f(stopMax)} ms | ${f(probe.p50, 1)} / ${f(probe.p99)} ms (${f(c.baselineProbe.p50, 1)} / ${f(c.baselineProbe.p99)} ms) |`);
    }
  }
  console.log('\nMemory of the target (VmRSS through the pod; "extra" is beyond the leak\'s own growth, measured without a capture)\n');
  console.log('| config | run | RSS before | own leak over the window | RSS growth over the window | extra at end of window | extra after stop | peak in window / in stop, above RSS | traced | tracemalloc own | own per traced MiB | own per block |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const c of all) {
    for (const [i, { run }] of c.runs.entries()) {
      const { before, endOfWindow: end, after } = run;
      const leak = (s: Status) => c.leakKiBPerSecond * ((s.at - before.at) / 1000);
      const grew = end.rssKiB - before.rssKiB;
      const blocks = run.report.totalCount ?? 0;
      const stopPeak = after.hwmKiB - end.rssKiB - c.leakKiBPerSecond * ((after.at - end.at) / 1000);
      console.log(`| ${c.config.name} | ${i + 1} | ${mib(before.rssKiB)} | ${mib(leak(end))} | ${mib(grew)} | ${mib(grew - leak(end))} | ${mib(after.rssKiB - before.rssKiB - leak(after))} | ${mib(end.hwmKiB - end.rssKiB)} / ${mib(stopPeak)} | ${mib(run.tracedKiB)} in ${f(blocks)} blocks | ${f(run.overheadKiB)} KiB | ${f(run.overheadKiB / (run.tracedKiB / 1024))} KiB | ${f((run.overheadKiB * 1024) / blocks)} B |`);
    }
  }
  console.log('\nWithout a capture, and across the series:\n');
  for (const c of all) {
    const first = c.runs[0]!.run.before;
    const last = c.runs.at(-1)!.run.after;
    const extra = last.rssKiB - first.rssKiB - c.leakKiBPerSecond * ((last.at - first.at) / 1000);
    console.log(`- ${c.config.name}: without a capture the RSS grows ${f(c.leakKiBPerSecond)} KiB/s; probe p50 ${f(c.baselineProbe.p50, 1)} ms, p99 ${f(c.baselineProbe.p99)} ms, max ${f(c.baselineProbe.max)} ms. After ${c.runs.length} captures in a row: ${mib(extra)} beyond the leak`);
  }
  console.log('\nWhat the captures found:\n');
  for (const c of all) {
    for (const [i, { run }] of c.runs.entries()) {
      const top = run.report.sites.slice(0, 3).map((s) => `${s.file}:${s.line} (+${f((s.growthBytes ?? 0) / 1024)} KiB)`).join(', ');
      console.log(`- ${c.config.name}, run ${i + 1}: ${top}`);
    }
    console.log(`- ${c.config.name}: the stop read the source lines of ${c.sources.files} files (${f(c.sources.bytes / 1024)} KiB on disk) into the target's linecache, where they stay`);
  }
  for (const c of all) {
    for (const rb of c.runbook ?? []) {
      console.log(`\nThe runbook's step 3 ${rb.label} (\`python3 -c\` through exec in the pod): ${f(rb.ms)} ms, exit ${rb.exitCode}, ${rb.lines.length ? 'its top lines:' : 'no lines at all.'}\n`);
      if (rb.lines.length) console.log(['```', ...rb.lines, '```'].join('\n'));
    }
    if (c.calibration) console.log(`\nCalibration, 10 frames, in fresh interpreters in the same pod:\n\n${c.calibration.map((l) => `- ${l}`).join('\n')}`);
  }
}
