// `npm run demo`: the local demo cluster (Kubernetes API emulator + real Prometheus, from
// test/cluster/), and a code-server with the freshly packaged extension installed, opened on the
// demo workspace (test/cluster/workloads) with settings that point at that cluster.
// Prints the URL to open; Ctrl-C (or SIGTERM) stops everything it started.
//   KMT_DEMO_PORT=8080 npm run demo     a fixed port instead of a free one
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startCodeServer } from './codeServer.ts';
import { ensureDependencies } from './dependencies.ts';
import { ensureSystemPackages } from './systemPackages.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CLUSTER_MODULE = join(ROOT, 'test', 'cluster', 'index.ts');
const WORKSPACE = join(ROOT, 'test', 'cluster', 'workloads');

const stops = [];
let stopping = false;
async function stopAll(reason, code) {
  if (stopping) return;
  stopping = true;
  console.log(`\n${reason}: stopping the demo`);
  const force = setTimeout(() => process.exit(1), 20_000);
  force.unref();
  for (const stop of stops.reverse()) await stop().catch((err) => console.error(`while stopping: ${err}`));
  process.exit(code);
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => void stopAll(signal, 0));

try {
  ensureDependencies();
  await ensureSystemPackages(['demo']);
  // 1. The cluster.
  const settings = {};
  if (existsSync(CLUSTER_MODULE)) {
    const { startCluster } = await import(pathToFileURL(CLUSTER_MODULE).href);
    const cluster = await startCluster({ log: (line) => console.error(`[cluster] ${line}`) });
    stops.push(() => cluster.stop());
    console.log(`cluster:    ${cluster.apiUrl}  kubeconfig ${cluster.kubeconfigPath}`);
    console.log(`Prometheus: ${cluster.prometheusUrl ?? '(not started)'}`);
    settings['memoryTriage.kubeconfig'] = cluster.kubeconfigPath;
    // --- Prometheus settings (step 2, the trend) ---------------------------------------------
    // The emulator serves monitoring/prometheus-server:9090 through the API server's service
    // proxy, as a real cluster does; naming it skips the discovery pick.
    if (cluster.prometheusUrl) settings['memoryTriage.prometheus.service'] = 'monitoring/prometheus-server:9090';
    // ------------------------------------------------------------------------------------------
  } else {
    console.error(`${CLUSTER_MODULE} is not there yet: code-server starts without a cluster (the view will say so).`);
  }

  // 2. The packaged extension.
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'package.mjs')], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const vsix = join(ROOT, `${pkg.name}-${pkg.version}.vsix`);

  // 3. code-server on it.
  const folder = existsSync(WORKSPACE) ? WORKSPACE : join(ROOT, 'test', 'fixtures', 'workspace');
  const stateDir = mkdtempSync(join(tmpdir(), 'kmt-demo-'));
  stops.push(async () => rmSync(stateDir, { recursive: true, force: true }));
  const server = await startCodeServer({
    folder,
    stateDir,
    settings,
    vsixes: [vsix],
    port: Number(process.env.KMT_DEMO_PORT ?? 0),
  });
  stops.push(() => server.stop());
  console.log(`\nOpen ${server.url}/?folder=${encodeURIComponent(folder)}`);
  console.log(`(the Memory Triage icon is in the activity bar; Ctrl-C stops the demo)`);
} catch (err) {
  console.error(`demo failed: ${err instanceof Error ? err.message : String(err)}`);
  await stopAll('error', 1);
}
