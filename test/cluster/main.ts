// `npm run cluster [config.json]`: starts the emulator and Prometheus on free ports, prints
// how to reach them, and on Ctrl-C/SIGTERM stops every process it started.
import { resolve } from 'node:path';
import { defaultConfigPath, startCluster } from './index.ts';

const configPath = resolve(process.argv[2] ?? defaultConfigPath);
const cluster = await startCluster({ config: configPath, log: (line) => console.error(`[cluster] ${line}`) });

console.log(`Kubernetes API emulator: ${cluster.apiUrl}  (config ${configPath})`);
console.log(`kubeconfig:  ${cluster.kubeconfigPath}`);
console.log(`  export KUBECONFIG=${cluster.kubeconfigPath}`);
console.log(`  kubectl get pods -l app=api    # kubectl.1.33 recommended: /usr/lib/google-cloud-sdk/bin/kubectl.1.33`);
console.log(`Prometheus:  ${cluster.prometheusUrl ?? '(not started)'}  (in-cluster: monitoring/prometheus-server:9090 via the service proxy)`);
console.log(`/metrics:    ${cluster.metricsUrl}`);
console.log(`admin:       ${cluster.adminUrl}  (POST /deny, /allow, /metrics-available, /delay, /reachable, /expire-token, /renew-token; GET /state)`);
console.log('Ctrl-C stops everything.');

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.error(`[cluster] ${signal}: stopping`);
  const force = setTimeout(() => process.exit(1), 15_000);
  force.unref();
  await cluster.stop();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGHUP', () => void shutdown('SIGHUP'));
