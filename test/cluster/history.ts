// What the backfilled Prometheus history is told about each container: its current level
// (measured once the processes have started) and how fast it leaked before "now", from the
// config (historyLeakMiBPerMinute) or a synthetic pod's scripted curve.
import { setTimeout as sleep } from 'node:timers/promises';
import { type ClusterConfig, containersOf } from './config.ts';
import type { Kubelet } from './kubelet.ts';
import { type MetricsPod, metricsPods, type PastOOMKills } from './metricsEndpoint.ts';
import { memoryAnnotation, workloadAnnotation } from './objects.ts';
import { matchLabels } from './selectors.ts';
import type { Store } from './store.ts';

const MiB = 1024 * 1024;

/** Waits (up to `maxMs`) until every real container has a first usage sample. */
async function firstSamples(store: Store, kubelet: Kubelet, maxMs: number): Promise<void> {
  const end = Date.now() + maxMs;
  while (Date.now() < end) {
    const missing = store.listRaw('pods').some((p) => (p.spec?.containers ?? []).some((c: { name: string }) =>
      p.metadata.annotations?.[workloadAnnotation(c.name)] && !kubelet.usage(p.metadata.namespace, p.metadata.name, c.name)));
    if (!missing) return;
    await sleep(200);
  }
}

export async function backfillPods(store: Store, kubelet: Kubelet, config: ClusterConfig, maxWaitMs = 5000): Promise<MetricsPod[]> {
  await firstSamples(store, kubelet, maxWaitMs);
  await sleep(config.prometheus.settleMs ?? 0);
  const pods = metricsPods(store, kubelet);
  const owners = [...config.deployments, ...config.pods];
  for (const mp of pods) {
    const pod = store.get('pods', mp.namespace, mp.pod);
    if (!pod) continue;
    const owner = owners.find((o) => (o.namespace ?? 'default') === mp.namespace && matchLabels(o.labels ?? { app: o.name }, pod.metadata.labels));
    for (const c of mp.containers) {
      const fromConfig = owner ? containersOf(owner).find((x) => x.name === c.name)?.historyLeakMiBPerMinute : undefined;
      const curve = pod.metadata.annotations?.[memoryAnnotation(c.name)];
      const fromCurve = curve ? (JSON.parse(curve).leakMiBPerMinute as number | undefined) : undefined;
      const perMinute = fromConfig ?? fromCurve;
      if (perMinute !== undefined) Object.assign(c, { leakPerMinuteBytes: perMinute * MiB });
    }
  }
  return pods;
}

/**
 * Makes the live cluster tell the backfilled history's story before Prometheus' first scrape:
 * what the history shows existed `minutes` ago (creationTimestamp, a pod's startTime, the events
 * that created it), and its OOM kills are each container's restart count, lastState and the
 * kubelet's BackOff / Started events.
 */
export function seedFromHistory(store: Store, kubelet: Kubelet, history: PastOOMKills[], minutes: number): void {
  const since = new Date(Date.now() - minutes * 60_000).toISOString().replace(/\.\d+Z$/, 'Z');
  for (const resource of ['namespaces', 'nodes', 'services', 'deployments', 'replicasets', 'pods']) {
    for (const o of store.listRaw(resource)) {
      if (o.metadata.creationTimestamp > since) store.backdate(resource, o.metadata.namespace, o.metadata.name, since);
    }
  }
  // What made those objects happened then too; the containers' Pulled/Created/Started stay now,
  // and count back to the pod's start when it has past kills (seedPastOOMKills).
  for (const e of store.listRaw('events')) {
    if (['Scheduled', 'SuccessfulCreate', 'ScalingReplicaSet'].includes(e.reason)) {
      store.mutate('events', e.metadata.namespace, e.metadata.name, (ev) => { ev.firstTimestamp = since; ev.lastTimestamp = since; });
    }
  }
  for (const h of history) kubelet.seedPastOOMKills(h.namespace, h.pod, h.container, h);
}
