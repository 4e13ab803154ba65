// The node as the kubelet reports it (conditions with heartbeat and transition times, allocatable
// below capacity by the default eviction threshold) and the node's events: the kubelet's
// NodeHasInsufficientMemory / NodeHasSufficientMemory when memory pressure turns on and off, and
// node-problem-detector's OOMKilling (its kernel monitor reads the kernel's "Killed process" line)
// for every OOM kill in a container's cgroup. Node events live in "default" with the node's name
// as its uid, as the kubelet's and NPD's node references have it (kubectl describe node finds them so).
import { basename } from 'node:path';
import type { EventRecorder } from './events.ts';
import type { ContainerLaunch } from './runtime/types.ts';
import { nodeName } from './objects.ts';
import type { K8sObject, Store } from './store.ts';

const iso = (d: Date) => d.toISOString().replace(/\.\d+Z$/, 'Z');

/** The kubelet's four conditions, all healthy, as a fresh node posts them. */
export function nodeConditions(now = new Date()): K8sObject[] {
  const at = iso(now);
  const c = (type: string, status: string, reason: string, message: string) => ({ type, status, lastHeartbeatTime: at, lastTransitionTime: at, reason, message });
  return [
    c('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
    c('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
    c('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
    c('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
  ];
}

/** The object the node's events point at: kind Node, no namespace, uid = the node's name. */
function nodeRef(): K8sObject {
  return { kind: 'Node', apiVersion: 'v1', metadata: { name: nodeName, uid: nodeName } };
}

const TAINT = { key: 'node.kubernetes.io/memory-pressure', effect: 'NoSchedule' };

/** Memory pressure on or off: the condition, its taint and the kubelet's event, as the eviction manager's signal makes them. */
export function setMemoryPressure(store: Store, events: EventRecorder, on: boolean): void {
  const node = store.get('nodes', undefined, nodeName);
  const current = node?.status?.conditions?.find((c: K8sObject) => c.type === 'MemoryPressure');
  if (!node || !current || (current.status === 'True') === on) return;
  const at = iso(new Date());
  store.mutate('nodes', undefined, nodeName, (n) => {
    const cond = n.status.conditions.find((c: K8sObject) => c.type === 'MemoryPressure');
    Object.assign(cond, on
      ? { status: 'True', reason: 'KubeletHasInsufficientMemory', message: 'kubelet has insufficient memory available' }
      : { status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
    { lastHeartbeatTime: at, lastTransitionTime: at });
    const taints = (n.spec.taints ?? []).filter((t: K8sObject) => t.key !== TAINT.key);
    n.spec.taints = on ? [...taints, { ...TAINT, timeAdded: at }] : taints.length ? taints : undefined;
  });
  const reason = on ? 'NodeHasInsufficientMemory' : 'NodeHasSufficientMemory';
  events.record({ object: nodeRef(), reason, message: `Node ${nodeName} status is now: ${reason}`, type: on ? 'Warning' : 'Normal' });
}

/** node-problem-detector's event for a kernel OOM kill in a container's memory cgroup. */
export function recordOomKilling(events: EventRecorder, processName: string, pid: number, anonRssKiB: number): void {
  const message = `Memory cgroup out of memory: Killed process ${pid} (${processName}) total-vm:${anonRssKiB + 4096}kB, anon-rss:${anonRssKiB}kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:${Math.ceil(anonRssKiB / 512)}kB oom_score_adj:999`;
  events.record({ object: nodeRef(), reason: 'OOMKilling', type: 'Warning', message, component: 'kernel-monitor' });
}

/** What the kernel's OOM line names: the main process's pid and command (comm, 15 characters). */
export function processOf(launch: ContainerLaunch, pid: number): { pid: number; name: string; limitBytes?: number } {
  const argv0 = launch.command?.[0] ?? launch.image ?? launch.container;
  return { pid, name: basename(argv0).split(':')[0]!.slice(0, 15), limitBytes: launch.memoryLimitBytes };
}
