// The series a cluster exposes for pod memory, as cAdvisor (through the kubelet) and
// kube-state-metrics name and label them. One description serves both the live /metrics text
// and the backfilled history, so a backfilled series and its live continuation are the same series.
import { createHash } from 'node:crypto';

export interface MetricsContainer {
  name: string;
  image: string;
  workingSetBytes: number;
  rssBytes: number;
  usageBytes: number;
  limitBytes?: number;
  requestBytes?: number;
  restarts: number;
  lastTerminatedReason?: string;
  /** For the backfilled history only: how fast this container leaked before now (bytes/minute). */
  leakPerMinuteBytes?: number;
}
export interface MetricsPod { namespace: string; pod: string; uid: string; node: string; containers: MetricsContainer[] }

export type Labels = Record<string, string>;
export interface Sample { name: string; labels: Labels; value: number }

export interface Family { name: string; type: 'gauge' | 'counter'; help: string; cadvisor: boolean }
export const families: Family[] = [
  { name: 'container_memory_working_set_bytes', type: 'gauge', help: 'Current working set in bytes.', cadvisor: true },
  { name: 'container_memory_usage_bytes', type: 'gauge', help: 'Current memory usage in bytes, including all memory regardless of when it was accessed', cadvisor: true },
  { name: 'container_memory_rss', type: 'gauge', help: 'Size of RSS in bytes.', cadvisor: true },
  { name: 'kube_pod_container_resource_limits', type: 'gauge', help: 'The number of requested limit resource by a container. It is recommended to use the kube_pod_resource_limits metric exposed by kube-scheduler instead, as it is more precise.', cadvisor: false },
  { name: 'kube_pod_container_resource_requests', type: 'gauge', help: 'The number of requested request resource by a container. It is recommended to use the kube_pod_resource_requests metric exposed by kube-scheduler instead, as it is more precise.', cadvisor: false },
  { name: 'kube_pod_container_status_restarts_total', type: 'counter', help: 'The number of container restarts per container.', cadvisor: false },
  { name: 'kube_pod_container_status_last_terminated_reason', type: 'gauge', help: 'Describes the last reason the container was in terminated state.', cadvisor: false },
];

/** What a container looks like at one moment; `running` false is a container in back-off (no cgroup). */
export interface ContainerState {
  running: boolean;
  workingSetBytes: number;
  rssBytes: number;
  usageBytes: number;
  restarts: number;
  lastTerminatedReason?: string;
}

/**
 * The container's ID in cAdvisor's `id`/`name` labels. A real node gives each restart a new ID,
 * so each restart starts a new series; here it stays the same for the life of the pod, because
 * backfilled history cannot carry staleness markers: every old instance's series would linger
 * for the 5-minute lookback after each OOM kill and hide the drop in any max-by-pod query.
 */
export function containerId(uid: string, container: string): string {
  return createHash('sha256').update(`${uid}/${container}`).digest('hex');
}

/** The cgroup path cAdvisor puts in `id` (cgroupfs driver), which depends on the pod's QoS class. */
export function podCgroup(pod: MetricsPod): string {
  const cs = pod.containers;
  const guaranteed = cs.length > 0 && cs.every((c) => c.limitBytes !== undefined && (c.requestBytes ?? c.limitBytes) === c.limitBytes);
  const bestEffort = cs.every((c) => c.limitBytes === undefined && c.requestBytes === undefined);
  return guaranteed ? `/kubepods/pod${pod.uid}` : bestEffort ? `/kubepods/besteffort/pod${pod.uid}` : `/kubepods/burstable/pod${pod.uid}`;
}

/** Every sample of one pod, given each container's state at that moment. */
export function podSamples(pod: MetricsPod, states: ContainerState[]): Sample[] {
  const out: Sample[] = [];
  const base = { namespace: pod.namespace, pod: pod.pod };
  const cgroup = podCgroup(pod);
  const total = { ws: 0, usage: 0, rss: 0 };
  pod.containers.forEach((c, i) => {
    const s = states[i];
    if (!s.running) return;
    total.ws += s.workingSetBytes;
    total.usage += s.usageBytes;
    total.rss += s.rssBytes;
    const id = containerId(pod.uid, c.name);
    const labels = { container: c.name, id: `${cgroup}/${id}`, image: c.image, name: id, ...base };
    out.push({ name: 'container_memory_working_set_bytes', labels, value: s.workingSetBytes });
    out.push({ name: 'container_memory_usage_bytes', labels, value: s.usageBytes });
    out.push({ name: 'container_memory_rss', labels, value: s.rssBytes });
  });
  // The pod's own cgroup, which cAdvisor reports with empty container/image/name labels.
  const podLabels = { container: '', id: cgroup, image: '', name: '', ...base };
  out.push({ name: 'container_memory_working_set_bytes', labels: podLabels, value: total.ws });
  out.push({ name: 'container_memory_usage_bytes', labels: podLabels, value: total.usage });
  out.push({ name: 'container_memory_rss', labels: podLabels, value: total.rss });
  pod.containers.forEach((c, i) => {
    const s = states[i];
    const ksm = { namespace: pod.namespace, pod: pod.pod, uid: pod.uid, container: c.name };
    if (c.limitBytes !== undefined) out.push({ name: 'kube_pod_container_resource_limits', labels: { ...ksm, node: pod.node, resource: 'memory', unit: 'byte' }, value: c.limitBytes });
    if (c.requestBytes !== undefined) out.push({ name: 'kube_pod_container_resource_requests', labels: { ...ksm, node: pod.node, resource: 'memory', unit: 'byte' }, value: c.requestBytes });
    out.push({ name: 'kube_pod_container_status_restarts_total', labels: ksm, value: s.restarts });
    if (s.lastTerminatedReason) out.push({ name: 'kube_pod_container_status_last_terminated_reason', labels: { ...ksm, reason: s.lastTerminatedReason }, value: 1 });
  });
  return out;
}

export function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

export function formatLabels(labels: Labels): string {
  return `{${Object.entries(labels).map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(',')}}`;
}

/**
 * The Prometheus text format (0.0.4) of the pods' current state. With nowMs, cAdvisor's samples
 * carry that timestamp (in ms), as the kubelet's /metrics/cadvisor does; kube-state-metrics' never do.
 */
export function renderMetrics(pods: MetricsPod[], nowMs?: number): string {
  const byFamily = new Map<string, Sample[]>(families.map((f) => [f.name, []]));
  for (const pod of pods) {
    // A container in back-off has no process and no cgroup: the emulator reports it with zero memory.
    const states = pod.containers.map((c) => ({ ...c, running: c.workingSetBytes > 0 || c.usageBytes > 0 }));
    for (const s of podSamples(pod, states)) byFamily.get(s.name)!.push(s);
  }
  const lines: string[] = [];
  for (const f of families) {
    lines.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`);
    const ts = f.cadvisor && nowMs !== undefined ? ` ${Math.round(nowMs)}` : '';
    for (const s of byFamily.get(f.name)!) lines.push(`${s.name}${formatLabels(s.labels)} ${s.value}${ts}`);
  }
  return lines.join('\n') + '\n';
}
