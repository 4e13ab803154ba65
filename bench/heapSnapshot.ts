// Heap-snapshot readers side by side, in one run, to the same summary (constructors with count,
// self and retained size): this extension's reader, @vscode/v8-heap-parser, memlab's heap
// analysis, and JSON.parse alone as the floor. Each runs in its own child process; its wall time,
// the process's CPU time (all threads, start-up included: less moved by other jobs than the wall
// time) and peak RSS (process.resourceUsage().maxRSS, worker threads included) are printed.
// The snapshots are made here by Node scripts that keep N small objects alive.
//   sh scripts/node.sh node bench/heapSnapshot.ts [objects...]     (default 600000)
// The two parsers are not dependencies of the extension: install them outside the repo and say where,
//   PUPPETEER_SKIP_DOWNLOAD=1 npm install --prefix /tmp/benchdeps @vscode/v8-heap-parser memlab
//   BENCH_DEPS=/tmp/benchdeps sh scripts/node.sh node bench/heapSnapshot.ts 600000 3700000
// BENCH_READERS=this,JSON runs only the readers whose names hold one of those words (a 1 GB file
// costs @vscode/v8-heap-parser about 10x its size in memory). Each line ends with the 1-minute load
// average before and after that reader ran: the machine is shared.
import { execFileSync, spawnSync } from 'node:child_process';
import { buildSync } from 'esbuild';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const deps = process.env.BENCH_DEPS ?? '/tmp/benchdeps';
const dir = process.env.BENCH_DIR ?? '/tmp/kmt-heap-bench';
const counts = process.argv.slice(2).map(Number).filter((n) => n > 0);
const only = process.env.BENCH_READERS?.split(',').filter(Boolean);

// Keeps `count` small objects of one class (the leak), then writes the snapshot.
const makeScript = (count: number, file: string) => `
class Session { constructor(i) { this.id = i; this.user = 'u' + i; this.tags = [i & 7]; } }
const kept = [];
for (let i = 0; i < ${count}; i++) kept.push(new Session(i));
globalThis.kept = kept;
require('v8').writeHeapSnapshot(${JSON.stringify(file)});`;

const report = `const t0 = performance.now(); const top = await summary(); const seconds = (performance.now() - t0) / 1000;
const { userCPUTime, systemCPUTime } = process.resourceUsage();
console.log(JSON.stringify({ seconds, cpu: (userCPUTime + systemCPUTime) / 1e6, rss: process.resourceUsage().maxRSS * 1024, top }));`;

// the reader as the extension ships it: readSnapshot.ts and its worker bundled to JavaScript side by side
const bundle = join(dir, 'bundle');
buildSync({ entryPoints: ['src/heap/v8/readSnapshot.ts', 'src/heap/v8/snapshotWorker.ts'].map((f) => join(root, f)), outdir: bundle, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logOverride: { 'empty-import-meta': 'silent' } });
const ours = (load: string) => (file: string) => `${load}
async function summary() { const s = await readHeapSnapshot(${JSON.stringify(file)}); return s.report.groups.slice(0, 3).map((g) => [g.name, g.count, g.selfBytes, g.retainedBytes]); }
${report}`;

const readers: Record<string, (file: string) => string> = {
  'this reader (bundled)': ours(`import { createRequire } from 'node:module'; const { readHeapSnapshot } = createRequire(import.meta.url)(${JSON.stringify(join(bundle, 'readSnapshot.js'))});`),
  'this reader (.ts source)': ours(`import { readHeapSnapshot } from ${JSON.stringify(join(root, 'src/heap/v8/readSnapshot.ts'))};`),
  '@vscode/v8-heap-parser': (file) => `import { createRequire } from 'node:module'; import { readFileSync } from 'node:fs';
const p = createRequire(${JSON.stringify(join(deps, 'package.json'))})('@vscode/v8-heap-parser');
async function summary() { const g = p.decode_bytes(readFileSync(${JSON.stringify(file)})); const groups = g.get_class_groups(0, 3, false);
  return groups.map((c) => [c.name(), c.children_len, Number(c.self_size), Number(c.retained_size)]).sort((a, b) => b[3] - a[3]); }
${report}`,
  memlab: (file) => `import { createRequire } from 'node:module';
const m = createRequire(${JSON.stringify(join(deps, 'package.json'))})('@memlab/heap-analysis');
async function summary() { const heap = await m.getFullHeapFromFile(${JSON.stringify(file)}); const by = new Map();
  heap.nodes.forEach((n) => { const k = n.name; const r = by.get(k) ?? [k, 0, 0, 0]; r[1]++; r[2] += n.self_size; r[3] += n.retainedSize; by.set(k, r); });
  return [...by.values()].sort((a, b) => b[3] - a[3]).slice(0, 3); }
${report}`,
  'JSON.parse (no analysis)': (file) => `import { readFileSync } from 'node:fs';
async function summary() { const s = JSON.parse(readFileSync(${JSON.stringify(file)}, 'utf8')); return [[s.snapshot.node_count, s.snapshot.edge_count]]; }
${report}`,
};

function gib(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(2)} GiB`;
}

mkdirSync(dir, { recursive: true });
for (const count of counts.length ? counts : [600_000]) {
  const file = join(dir, `objects-${count}.heapsnapshot`);
  if (!existsSync(file)) {
    const t = performance.now();
    execFileSync(process.execPath, ['--max-old-space-size=16384', '-e', makeScript(count, file)], { stdio: 'inherit' });
    console.log(`made ${file} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  const size = statSync(file).size;
  console.log(`\n${count.toLocaleString('en-US')} objects kept: ${file}, ${(size / 1e6).toFixed(0)} MB`);
  for (const [name, code] of Object.entries(readers)) {
    if (only && !only.some((word) => name.includes(word))) continue;
    const before = loadavg()[0]!.toFixed(1);
    const r = spawnSync(process.execPath, ['--max-old-space-size=16384', '--disable-warning=MODULE_TYPELESS_PACKAGE_JSON', '--input-type=module', '-e', code(file)], { encoding: 'utf8', maxBuffer: 1 << 24 });
    const line = r.stdout.trim().split('\n').pop() ?? '';
    if (r.status !== 0 || !line.startsWith('{')) {
      console.log(`  ${name}: failed (exit ${r.status}) ${r.stderr.trim().split('\n').slice(-2).join(' ')}`);
      continue;
    }
    const { seconds, cpu, rss, top } = JSON.parse(line) as { seconds: number; cpu: number; rss: number; top: unknown[] };
    console.log(`  ${name.padEnd(26)} ${seconds.toFixed(1).padStart(6)} s (process CPU ${cpu.toFixed(1)} s)  peak RSS ${gib(rss)} (${(rss / size).toFixed(2)}x the file)  top: ${JSON.stringify(top)}  load ${before} -> ${loadavg()[0]!.toFixed(1)}`);
  }
}
