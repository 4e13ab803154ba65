// The cAdvisor/kube-state-metrics style /metrics endpoint Prometheus scrapes, fed from
// the same pod state and measured usage the API serves, and the real Prometheus behind
// the monitoring/prometheus-server service.
import { createServer, type Server } from 'node:http';
import { parseQuantity } from './quantity.ts';
import type { Kubelet } from './kubelet.ts';
import type { K8sObject, Store } from './store.ts';

/** The shape test/cluster/prometheus's renderMetrics takes (see the CONTRACT in the README). */
export interface MetricsPod {
  namespace: string; pod: string; uid: string; node: string;
  containers: { name: string; image: string; workingSetBytes: number; rssBytes: number; usageBytes: number; limitBytes?: number; requestBytes?: number; restarts: number; lastTerminatedReason?: string; leakPerMinuteBytes?: number }[];
}

/** Per container, the OOM kills the backfilled history holds (prometheus/backfill.ts ContainerHistory). */
export interface PastOOMKills { namespace: string; pod: string; container: string; ooms: number; lastOOMAt?: Date; lastStartedAt?: Date; firstOOMAt?: Date }

interface PrometheusModule {
  renderMetrics(pods: MetricsPod[], nowMs?: number): string;
  startPrometheus(opts: {
    metricsUrl: string; dataDir: string;
    backfill?: { pods: MetricsPod[]; minutes: number; leakPerMinuteBytes?: number; restartsFromHistory?: boolean };
    onHistory?: (history: PastOOMKills[]) => void;
  }): Promise<{ url: string; stop(): Promise<void> }>;
}

export async function loadPrometheusModule(): Promise<PrometheusModule | undefined> {
  try {
    return (await import(new URL('./prometheus/index.ts', import.meta.url).href)) as PrometheusModule;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' && String(err).includes('prometheus/index.ts')) return undefined;
    throw err;
  }
}

export function metricsPods(store: Store, kubelet: Kubelet): MetricsPod[] {
  return store.listRaw('pods').filter((p) => !p.metadata.deletionTimestamp).map((p: K8sObject) => ({
    namespace: p.metadata.namespace, pod: p.metadata.name, uid: p.metadata.uid, node: p.spec?.nodeName ?? '',
    containers: (p.spec?.containers ?? []).map((c: K8sObject) => {
      const usage = kubelet.usage(p.metadata.namespace, p.metadata.name, c.name);
      const status = (p.status?.containerStatuses ?? []).find((s: K8sObject) => s.name === c.name);
      return {
        name: c.name, image: c.image,
        workingSetBytes: usage?.workingSetBytes ?? 0, rssBytes: usage?.rssBytes ?? 0, usageBytes: usage?.usageBytes ?? 0,
        limitBytes: parseQuantity(c.resources?.limits?.memory), requestBytes: parseQuantity(c.resources?.requests?.memory),
        restarts: status?.restartCount ?? 0, lastTerminatedReason: status?.lastState?.terminated?.reason,
      };
    }),
  }));
}

export async function startMetricsEndpoint(render: () => string): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if (req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404).end('not found\n');
      return;
    }
    try {
      const text = render();
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' }).end(text);
    } catch (err) {
      res.writeHead(500).end(String(err));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/metrics`,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
