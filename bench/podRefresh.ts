// Benchmark (not a test): one refresh of the pod tree against the runbook's way of getting the
// same facts, `kubectl top pods` + `kubectl get pods -o jsonpath=...`, on the same local cluster
// with 200 / 2,000 / 5,000 synthetic pods. Reports API requests and wall time per refresh
// (medians of several interleaved runs) and the ratio; and the floor: the same list pages and
// metrics call fetched raw with undici on a warm keep-alive connection and JSON.parse'd, with no
// model and no tree lines, so the extension's own cost is its time over the floor's. Memory: the
// heap the refresh's result holds (what the tree keeps), after a full GC before and after.
//
//   node bench/podRefresh.ts [--runs 7] [--sizes 200,2000,5000]
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Agent, fetch } from 'undici';
import { startCluster, type Cluster } from '../test/cluster/index.ts';
import { listPodMetrics, listPods } from '../src/cluster/podList.ts';
import { openSession, type ClusterSession } from '../src/cluster/session.ts';
import { podDescription } from '../src/triage/describe.ts';
import { oomKilledPods } from '../src/triage/oomHistory.ts';
import { buildPodMemory } from '../src/triage/podMemory.ts';
import { groupByWorkload } from '../src/triage/pressure.ts';

const run = promisify(execFile);
const KUBECTL = '/usr/lib/google-cloud-sdk/bin/kubectl.1.33';
const JSONPATH = '{range .items[*]}{.metadata.name}{"\\t"}{.status.containerStatuses[0].lastState.terminated.reason}{"\\n"}{end}';
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
};
const RUNS = Number(arg('runs', '7'));
const SIZES = arg('sizes', '200,2000,5000').split(',').map(Number);
// kubectl keeps a discovery cache under $HOME/.kube/cache; a private HOME keeps runs comparable.
const kubectlEnv = { ...process.env, HOME: mkdtempSync(join(tmpdir(), 'kmt-bench-home-')) };

interface Sample { ms: number; requests: number; pods: number; keep?: unknown }

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
/** Bytes of heap that `make`'s result holds once everything else is collected. */
async function retainedBytes(make: () => Promise<Sample>): Promise<number> {
  gc();
  const before = process.memoryUsage().heapUsed;
  const sample = await make();
  gc();
  const held = process.memoryUsage().heapUsed - before;
  if (sample.keep === undefined) throw new Error('nothing kept');
  return held;
}

/** The floor: the same pages and metrics call, raw, on a warm keep-alive connection, only JSON.parse'd. */
function floorRefresh(cluster: Cluster, agent: Agent): () => Promise<Sample> {
  const get = async (path: string): Promise<{ items: unknown[]; metadata?: { continue?: string } }> => {
    const res = await fetch(`${cluster.apiUrl}${path}`, { dispatcher: agent, headers: { Authorization: `Bearer ${cluster.token}`, Accept: 'application/json' } });
    if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
    return JSON.parse(await res.text());
  };
  return async () => {
    let requests = 0;
    const t0 = performance.now();
    const pages = async () => {
      const items: unknown[] = [];
      let cont = '';
      do {
        requests++;
        const page = await get(`/api/v1/namespaces/bench/pods?labelSelector=app%3Dapi&limit=500${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`);
        items.push(...page.items);
        cont = page.metadata?.continue ?? '';
      } while (cont);
      return items;
    };
    const metrics = async () => {
      requests++;
      return (await get('/apis/metrics.k8s.io/v1beta1/namespaces/bench/pods?labelSelector=app%3Dapi')).items;
    };
    const [items, usage] = await Promise.all([pages(), metrics()]);
    return { ms: performance.now() - t0, requests, pods: items.length, keep: [items, usage] };
  };
}

/** What Refresh does: the pages of the pod list and one metrics call, in parallel, then the model and every tree line. */
async function extensionRefresh(session: ClusterSession): Promise<Sample> {
  let requests = 0;
  const onRequest = () => void requests++;
  const t0 = performance.now();
  const [list, metrics] = await Promise.all([listPods(session, { onRequest }), listPodMetrics(session, { onRequest })]);
  const byKey = new Map(metrics.items.map((m) => [`${m.metadata.namespace}/${m.metadata.name}`, m]));
  const pods = list.items.map((p) => buildPodMemory(p, byKey.get(`${p.metadata?.namespace}/${p.metadata?.name}`), session.contextName));
  const now = new Date();
  groupByWorkload(pods);
  oomKilledPods(pods);
  for (const p of pods) podDescription(p, now);
  return { ms: performance.now() - t0, requests, pods: pods.length, keep: pods };
}

function kubectlArgs(kubeconfig: string, verbose: boolean): string[][] {
  const base = ['--kubeconfig', kubeconfig, '-n', 'bench', ...(verbose ? ['-v=6'] : [])];
  return [
    [...base, 'top', 'pods', '-l', 'app=api'],
    [...base, 'get', 'pods', '-l', 'app=api', '-o', `jsonpath=${JSONPATH}`],
  ];
}

/** The runbook's step 1 as a person runs it: the two commands one after the other. */
async function kubectlPair(kubeconfig: string): Promise<Sample> {
  const t0 = performance.now();
  let lines = 0;
  for (const args of kubectlArgs(kubeconfig, false)) {
    const { stdout } = await run(KUBECTL, args, { env: kubectlEnv, maxBuffer: 64 * 1024 * 1024 });
    lines = stdout.trim().split('\n').length; // the jsonpath output: one line per pod
  }
  return { ms: performance.now() - t0, requests: await kubectlRequests(kubeconfig), pods: lines };
}

const requestCache = new Map<string, number>();
// kubectl's -v=6 prints one "Response" line per HTTP request; counted once per cluster.
async function kubectlRequests(kubeconfig: string): Promise<number> {
  const cached = requestCache.get(kubeconfig);
  if (cached !== undefined) return cached;
  let n = 0;
  for (const args of kubectlArgs(kubeconfig, true)) {
    const { stderr } = await run(KUBECTL, args, { env: kubectlEnv, maxBuffer: 64 * 1024 * 1024 });
    n += stderr.split('\n').filter((l) => l.includes('"Response"')).length;
  }
  requestCache.set(kubeconfig, n);
  return n;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function waitForMetrics(session: ClusterSession, count: number): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const m = await listPodMetrics(session).catch(() => ({ items: [] }));
    if (m.items.length >= count) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`only some of ${count} pods reported metrics`);
}

const rows: string[] = [];
for (const size of SIZES) {
  const cluster: Cluster = await startCluster({
    prometheus: false,
    config: {
      readyDelayMs: 0,
      synthetic: [{ namePrefix: 'api', count: size, namespace: 'bench', labels: { app: 'api' }, container: { name: 'api', image: 'python-api:1.4', requests: { memory: '256Mi' }, limits: { memory: '512Mi' } }, memory: { startMiB: 150, jitterMiB: 60 } }],
    },
  });
  try {
    const session = openSession({ context: '', namespace: 'bench', labelSelector: 'app=api' }, cluster.kubeconfigPath);
    await waitForMetrics(session, size);
    const agent = new Agent({ connect: { ca: cluster.caPem }, keepAliveTimeout: 60_000 });
    const floor = floorRefresh(cluster, agent);
    await extensionRefresh(session); // warm-up: TLS session, JIT
    await floor();
    await kubectlPair(cluster.kubeconfigPath);
    const ours: Sample[] = [];
    const raw: Sample[] = [];
    const theirs: Sample[] = [];
    for (let i = 0; i < RUNS; i++) {
      ours.push(await extensionRefresh(session));
      raw.push(await floor());
      theirs.push(await kubectlPair(cluster.kubeconfigPath));
    }
    if ([...ours, ...raw, ...theirs].some((s) => s.pods !== size)) throw new Error(`a run did not see ${size} pods`);
    const heapOurs = await retainedBytes(() => extensionRefresh(session));
    const heapRaw = await retainedBytes(floor);
    await agent.close();
    const o = median(ours.map((s) => s.ms));
    const f = median(raw.map((s) => s.ms));
    const k = median(theirs.map((s) => s.ms));
    const mib = (b: number) => `${(b / 1024 ** 2).toFixed(1)} MiB`;
    const row = `| ${size.toLocaleString('en-US')} | ${raw[0]!.requests} | ${f.toFixed(0)} ms | ${ours[0]!.requests} | ${o.toFixed(0)} ms | ${(o / f).toFixed(2)}× | ${theirs[0]!.requests} | ${k.toFixed(0)} ms | ${(k / o).toFixed(1)}× | ${mib(heapRaw)} | ${mib(heapOurs)} |`;
    rows.push(row);
    console.error(`${size} pods: floor ${raw.map((s) => s.ms.toFixed(0)).join('/')} ms; extension ${ours.map((s) => s.ms.toFixed(0)).join('/')} ms; kubectl pair ${theirs.map((s) => s.ms.toFixed(0)).join('/')} ms`);
  } finally {
    await cluster.stop();
  }
}
rmSync(kubectlEnv.HOME, { recursive: true, force: true });
console.log(`Medians of ${RUNS} interleaved runs, ${new Date().toISOString()}, Node ${process.version}, kubectl 1.33\n`);
console.log('| pods | floor requests | floor time | extension requests | extension time | extension / floor | kubectl pair requests | kubectl pair time | kubectl / extension | floor heap held | extension heap held |');
console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) console.log(r);
