// startCluster(): the API emulator, its kubelet and controllers, the /metrics endpoint and
// the real Prometheus, all on free loopback ports, for tests, the demo and benchmarks.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Admin, makeAdmin, startAdminServer } from './admin.ts';
import { type ClusterConfig, loadConfig, withDefaults } from './config.ts';
import type { ApiContext } from './context.ts';
import { ControllerLoop } from './controllers.ts';
import { loadRuntime, type Runtime } from './driver.ts';
import { EventRecorder } from './events.ts';
import { setMemoryPressure } from './nodeStatus.ts';
import { Faults } from './faults.ts';
import { backfillPods, seedFromHistory } from './history.ts';
import { writeKubeconfig } from './kubeconfig.ts';
import { Kubelet } from './kubelet.ts';
import { loadPrometheusModule, metricsPods, startMetricsEndpoint } from './metricsEndpoint.ts';
import { serviceObject } from './objects.ts';
import { ReplicaSetController } from './replicasets.ts';
import { Reaper } from './runtime/reaper.ts';
import { DeploymentController } from './rollout.ts';
import { seed } from './seed.ts';
import { StatefulSetController } from './statefulsets.ts';
import { DaemonSetController } from './daemonsets.ts';
import { ApiServer } from './server.ts';
import { targetKey } from './serviceProxy.ts';
import { Store } from './store.ts';
import { makeTls } from './tls.ts';

export type { Admin } from './admin.ts';
export type { ClusterConfig } from './config.ts';
export type { Denial } from './faults.ts';
export type { K8sObject, Store } from './store.ts';

export interface ClusterOptions {
  /** A config file path or a config object; defaults to test/cluster/demo-cluster.json. */
  config?: string | Partial<ClusterConfig>;
  /** Working directory for certificates, kubeconfig and Prometheus data; a fresh temp dir (removed on stop) when absent. */
  dir?: string;
  /** Where to write the kubeconfig; default <dir>/kubeconfig. */
  kubeconfigPath?: string;
  /** Overrides config.prometheus.enabled. */
  prometheus?: boolean;
  log?: (line: string) => void;
}

export interface Cluster {
  kubeconfigPath: string;
  apiUrl: string;
  token: string;
  caPem: string;
  /** The real Prometheus, when it was started. */
  prometheusUrl?: string;
  /** The emulator's own /metrics endpoint (what Prometheus scrapes). */
  metricsUrl: string;
  /** Plain-HTTP loopback admin endpoint with the same switches as `admin`. */
  adminUrl: string;
  admin: Admin;
  store: Store;
  runtime: Runtime | undefined;
  config: ClusterConfig;
  dir: string;
  /** TLS connections the API server has accepted so far. */
  tlsConnections(): number;
  /** Points the service proxy for namespace/name:port at a local URL. */
  setServiceTarget(namespace: string, name: string, port: number, url: string): void;
  stop(): Promise<void>;
}

export const defaultConfigPath = new URL('./demo-cluster.json', import.meta.url).pathname;

export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const log = options.log ?? (() => {});
  const config = typeof options.config === 'object' ? withDefaults(options.config) : await loadConfig(options.config ?? defaultConfigPath);
  if (options.prometheus !== undefined) config.prometheus.enabled = options.prometheus;
  const ownDir = !options.dir;
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'kmt-cluster-')));
  await mkdir(dir, { recursive: true });
  // Removes the temp dir even if this process dies by SIGKILL (stop() never runs then).
  const reaper = ownDir ? new Reaper() : undefined;
  reaper?.removeDir(dir);
  const cleanups: (() => Promise<void> | void)[] = [];
  const stop = async () => {
    for (const c of cleanups.reverse()) await Promise.resolve(c()).catch((err) => log(`cleanup failed: ${err}`));
    cleanups.length = 0;
    if (ownDir) await rm(dir, { recursive: true, force: true });
    reaper?.dispose();
  };
  try {
    const tls = await makeTls(dir);
    const token = randomBytes(24).toString('hex');
    const store = new Store(config.watchHistory);
    const events = new EventRecorder(store);
    const runtime = await loadRuntime({ pollMs: config.runtimePollMs, images: config.images, log });
    const kubelet = new Kubelet(store, events, runtime, config);
    cleanups.push(() => kubelet.stop());
    const replicaSets = new ReplicaSetController(store, kubelet, events);
    const faults = new Faults();
    const serviceTargets = new Map<string, string>();
    const ctx: ApiContext = { store, kubelet, replicaSets, runtime, faults, config, serviceTargets };
    seed(store, config);
    kubelet.start();
    const loop = new ControllerLoop(store, replicaSets, new DeploymentController(store, events), new StatefulSetController(store, events, replicaSets), new DaemonSetController(store, events, replicaSets));
    cleanups.push(() => loop.stop());

    const api = new ApiServer(ctx, tls, token);
    await api.listen(0);
    cleanups.push(() => api.close());
    const kubeconfigPath = options.kubeconfigPath ?? join(dir, 'kubeconfig');
    await writeKubeconfig({ path: kubeconfigPath, server: api.url, caPem: tls.caPem, token, user: config.user });

    const promModule = await loadPrometheusModule();
    const render = () => (promModule ? promModule.renderMetrics(metricsPods(store, kubelet)) : '# prometheus module not available\n');
    const metrics = await startMetricsEndpoint(render);
    cleanups.push(() => metrics.close());
    if (!store.get('services', 'monitoring', 'prometheus-server')) {
      store.create('services', serviceObject({ name: 'prometheus-server', namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'prometheus', 'app.kubernetes.io/component': 'server' }, selector: { 'app.kubernetes.io/name': 'prometheus' }, ports: [{ name: 'http', port: 9090, targetPort: 9090 }] }));
    }
    let prometheusUrl: string | undefined;
    if (config.prometheus.enabled && promModule) {
      const prom = await promModule.startPrometheus({
        metricsUrl: metrics.url, dataDir: join(dir, 'prometheus'),
        backfill: { pods: await backfillPods(store, kubelet, config), minutes: config.prometheus.backfillMinutes, leakPerMinuteBytes: config.prometheus.leakPerMinuteBytes, restartsFromHistory: true },
        // Before the first scrape: restart counts and lastState tell the history's OOM kills too.
        onHistory: (history) => seedFromHistory(store, kubelet, history, config.prometheus.backfillMinutes),
      });
      cleanups.push(() => prom.stop());
      prometheusUrl = prom.url;
      serviceTargets.set(targetKey('monitoring', 'prometheus-server', 9090), prom.url);
    } else if (config.prometheus.enabled) log('prometheus module not found (test/cluster/prometheus): Prometheus not started');
    for (const s of config.services) {
      if (s.proxyTarget) serviceTargets.set(targetKey(s.namespace ?? 'default', s.name, s.ports[0].port), s.proxyTarget);
    }

    const admin = makeAdmin(faults, (r) => api.setReachable(r), (on) => setMemoryPressure(store, events, on));
    const adminServer = await startAdminServer(admin);
    cleanups.push(() => adminServer.close());
    return {
      kubeconfigPath, apiUrl: api.url, token, caPem: tls.caPem, prometheusUrl, metricsUrl: metrics.url, adminUrl: adminServer.url,
      admin, store, runtime, config, dir,
      tlsConnections: () => api.secureConnections,
      setServiceTarget: (namespace, name, port, url) => void serviceTargets.set(targetKey(namespace, name, port), url),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
