// Helpers for the pod-tree integration tests: a local cluster with small, fast workloads, a
// session on it, and waiting for a snapshot that satisfies a condition (or failing with the
// last one seen, so a failure says what the model looked like).
import { startCluster, type Cluster } from '../cluster/index.ts';
import type { ClusterConfig } from '../cluster/config.ts';
import { PodMonitor, type PodSnapshot } from '../../src/cluster/podMonitor.ts';
import { openSession, type Scope } from '../../src/cluster/session.ts';
import type { Logger } from '../../src/logger.ts';

export const MiB = 1024 * 1024;

/** A collecting logger: the tests read what the output channel would show. */
export function memoryLog(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const add = (level: string) => (m: string | Error) => void lines.push(`${level} ${m instanceof Error ? m.message : m}`);
  return { lines, trace: add('trace'), debug: add('debug'), info: add('info'), warn: add('warn'), error: add('error') };
}

export function startTestCluster(config: Partial<ClusterConfig>): Promise<Cluster> {
  return startCluster({ prometheus: false, config: { backoff: { baseMs: 300, maxMs: 1000 }, readyDelayMs: 100, ...config } });
}

export function monitorOf(cluster: Cluster, scope: Partial<Scope> = {}, log: Logger = memoryLog(), metricsIntervalMs = 400): PodMonitor {
  const session = openSession({ context: '', namespace: '', labelSelector: 'app=api', ...scope }, cluster.kubeconfigPath);
  return new PodMonitor(session, { metricsIntervalMs, log, debounceMs: 50 });
}

export function waitFor(monitor: PodMonitor, what: string, test: (s: PodSnapshot) => boolean, timeoutMs = 20_000): Promise<PodSnapshot> {
  return new Promise((resolve, reject) => {
    if (test(monitor.snapshot)) return resolve(monitor.snapshot);
    const timer = setTimeout(() => {
      off();
      const s = monitor.snapshot;
      reject(new Error(`timed out waiting for ${what}; last snapshot: listed=${s.listed} podsError=${s.podsError?.kind} metricsError=${s.metricsError?.kind} pods=${s.pods.map((p) => p.ref.name).join(',')}`));
    }, timeoutMs);
    const off = monitor.onSnapshot((s) => {
      if (test(s)) {
        clearTimeout(timer);
        off();
        resolve(s);
      }
    });
  });
}

/** A deployment of synthetic pods whose working set follows a line (MiB, MiB per minute). */
export function leakyDeployment(name: string, labels: Record<string, string>, limit: string, startMiB: number, leakMiBPerMinute: number, replicas = 1) {
  return { name, labels, replicas, container: { name: 'api', image: 'python-api:1.4', requests: { memory: '64Mi' }, limits: { memory: limit }, memory: { startMiB, leakMiBPerMinute } } };
}

// Any unhandled rejection in the code under test fails the run instead of passing unnoticed.
export function failOnUnhandledRejections(): void {
  process.on('unhandledRejection', (reason) => {
    throw reason instanceof Error ? reason : new Error(String(reason));
  });
}
