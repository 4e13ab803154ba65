// Renders a pod's status from the kubelet's per-container state, with the fields and
// phrasing the kubelet uses (containerStatuses, lastState.terminated, conditions, qosClass).
import { createHash } from 'node:crypto';
import { nodeIP, qosClass } from './objects.ts';
import type { K8sObject } from './store.ts';

export interface Terminated { exitCode: number; reason: string; startedAt: string; finishedAt: string; containerID: string; message?: string }

export interface ContainerState {
  name: string;
  image: string;
  /** The kubelet's count for the current (or last) container: how many were created before it. */
  restartCount: number;
  /** Crashes since the back-off was last forgotten: the first restarts at once, the nth waits base × 2^(n−2). */
  crashes: number;
  containerID: string;
  phase: 'creating' | 'running' | 'backoff' | 'pulling' | 'terminated';
  /** ErrImagePull / ImagePullBackOff while phase is 'pulling'. */
  waitingReason?: string;
  waitingMessage?: string;
  /** An ephemeral container (spec.ephemeralContainers): never restarted, no readiness. */
  ephemeral?: boolean;
  /** A container without a process (a scripted memory curve). */
  synthetic?: boolean;
  startedAt?: string;
  /** The running instance's main process (host pid, command name, memory limit): what an OOM kill names. */
  process?: { pid: number; name: string; limitBytes?: number };
  ready: boolean;
  backoffMessage?: string;
  current?: Terminated;
  last?: Terminated;
  /** The runtime's log file for the running instance, when it reports one (pods/log). */
  logFile?: string;
  /** The tail of the previous instance's log (`kubectl logs --previous`). */
  previousLog?: Buffer;
}

export function iso(d: Date = new Date()): string {
  return d.toISOString().replace(/\.\d+Z$/, 'Z');
}

/** A duration as Go's time.Duration prints it in the kubelet's back-off message: 500ms, 10s, 2m40s, 5m0s. */
export function goDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = `${Number(((ms % 60_000) / 1000).toFixed(3))}s`;
  return minutes ? `${minutes}m${seconds}` : seconds;
}

export function imageID(image: string): string {
  const digest = createHash('sha256').update(image).digest('hex');
  const repo = image.split(':')[0];
  return `${repo.includes('/') ? repo : `docker.io/library/${repo}`}@sha256:${digest}`;
}

function containerStatus(c: ContainerState): K8sObject {
  let state: K8sObject;
  if (c.phase === 'running') state = { running: { startedAt: c.startedAt } };
  else if (c.phase === 'backoff') state = { waiting: { reason: 'CrashLoopBackOff', message: c.backoffMessage } };
  else if (c.phase === 'pulling') state = { waiting: { reason: c.waitingReason ?? 'ErrImagePull', message: c.waitingMessage } };
  else if (c.phase === 'terminated' && c.current) state = { terminated: { ...c.current } };
  else state = { waiting: { reason: 'ContainerCreating' } };
  const s: K8sObject = {
    name: c.name, state, lastState: c.last ? { terminated: { ...c.last } } : {},
    ready: c.ready, restartCount: c.restartCount, image: c.image, imageID: c.phase === 'pulling' ? '' : imageID(c.image),
  };
  if (!c.ephemeral) s.started = c.phase === 'running';
  if (c.containerID) s.containerID = c.containerID;
  return s;
}

function condition(type: string, ok: boolean, since: string, reason?: string, message?: string): K8sObject {
  const c: K8sObject = { type, status: ok ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: since };
  if (!ok && reason) { c.reason = reason; c.message = message; }
  return c;
}

/** Merges fresh container state into the pod's status, keeping transition times of unchanged conditions. */
export function renderStatus(pod: K8sObject, containers: ContainerState[], podIP: string | undefined, restartPolicy: string, ephemeral: ContainerState[] = []): K8sObject {
  const old = pod.status ?? {};
  const now = iso();
  const since = (type: string, ok: boolean) => {
    const prev = (old.conditions ?? []).find((c: K8sObject) => c.type === type);
    return prev && prev.status === (ok ? 'True' : 'False') ? prev.lastTransitionTime : now;
  };
  const allReady = containers.every((c) => c.ready);
  const unready = containers.filter((c) => !c.ready).map((c) => c.name).join(' ');
  const created = containers.some((c) => c.containerID);
  let phase = 'Running';
  if (containers.every((c) => c.phase === 'terminated')) {
    phase = containers.every((c) => c.current?.exitCode === 0) ? 'Succeeded' : 'Failed';
  } else if (!created) phase = 'Pending';
  void restartPolicy;
  const status: K8sObject = {
    phase,
    conditions: [
      condition('PodReadyToStartContainers', !!podIP, since('PodReadyToStartContainers', !!podIP)),
      condition('Initialized', true, since('Initialized', true)),
      condition('Ready', allReady, since('Ready', allReady), 'ContainersNotReady', `containers with unready status: [${unready}]`),
      condition('ContainersReady', allReady, since('ContainersReady', allReady), 'ContainersNotReady', `containers with unready status: [${unready}]`),
      condition('PodScheduled', true, since('PodScheduled', true)),
    ],
    hostIP: nodeIP, hostIPs: [{ ip: nodeIP }],
    ...(podIP ? { podIP, podIPs: [{ ip: podIP }] } : {}),
    startTime: old.startTime ?? now,
    containerStatuses: containers.map(containerStatus),
    qosClass: qosClass(pod.spec?.containers ?? []),
  };
  // The kubelet sorts them by name.
  if (ephemeral.length) status.ephemeralContainerStatuses = [...ephemeral].sort((x, y) => x.name.localeCompare(y.name)).map(containerStatus);
  return status;
}
