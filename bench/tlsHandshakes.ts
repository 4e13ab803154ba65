// Benchmark (not a test): TLS handshakes the API server sees while a visible tree watches one
// scope (list + watch + metrics polled every 15 s, the default) for a minute, counted by the
// emulator's 'secureConnection' counter.
//
//   node bench/tlsHandshakes.ts [--seconds 60] [--interval 15]
import { startCluster } from '../test/cluster/index.ts';
import { PodMonitor } from '../src/cluster/podMonitor.ts';
import { openSession } from '../src/cluster/session.ts';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
};
const seconds = Number(arg('seconds', '60'));
const interval = Number(arg('interval', '15'));
const cluster = await startCluster({ prometheus: false, config: { readyDelayMs: 100, deployments: [{ name: 'api', labels: { app: 'api' }, replicas: 3, container: { name: 'api', image: 'python-api:1.4', limits: { memory: '256Mi' }, memory: { startMiB: 100, leakMiBPerMinute: 0 } } }] } });
try {
  const session = openSession({ context: '', namespace: '', labelSelector: 'app=api' }, cluster.kubeconfigPath);
  const log = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };
  const monitor = new PodMonitor(session, { metricsIntervalMs: interval * 1000, log });
  const before = cluster.tlsConnections();
  monitor.start();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const counts = monitor.requestCounts;
  monitor.stop();
  console.log(`${seconds} s of a visible tree (metrics every ${interval} s): ${cluster.tlsConnections() - before} TLS handshakes; requests: list ${counts.list}, watch ${counts.watch}, metrics ${counts.metrics}`);
} finally {
  await cluster.stop();
}
