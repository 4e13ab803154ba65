// The cluster config file: what namespaces, deployments, pods and synthetic pods exist at
// start, plus the timing knobs tests turn down (back-off, readiness) to stay fast.
import { readFile } from 'node:fs/promises';
import type { ImageSpec } from './runtime/images.ts';

export interface ContainerConfig {
  name: string;
  image: string;
  /** A sample workload from test/cluster/workloads (e.g. "python-api", "node-api", "idle"); absent for synthetic containers. */
  workload?: string;
  env?: Record<string, string>;
  requests?: { memory?: string; cpu?: string };
  limits?: { memory?: string; cpu?: string };
  ports?: number[];
  /** The pod spec's command and args (default: the image's ENTRYPOINT/CMD, or the sample workload's command). */
  command?: string[];
  args?: string[];
  workingDir?: string;
  securityContext?: Record<string, unknown>;
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
  /** Scripted memory for containers without a process. */
  memory?: MemoryCurve;
  /** How fast the backfilled Prometheus history shows this container leaking before the cluster started. */
  historyLeakMiBPerMinute?: number;
}

/** Working set = startMiB + leakMiBPerMinute * minutes since the container started, +/- jitterMiB. */
export interface MemoryCurve { startMiB: number; leakMiBPerMinute?: number; jitterMiB?: number; cpuMillicores?: number }

export interface DeploymentConfig {
  name: string;
  namespace?: string;
  replicas?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  containers?: ContainerConfig[];
  container?: ContainerConfig;
  restartPolicy?: string;
  /** The pod's securityContext (runAsUser, fsGroup, ...). */
  securityContext?: Record<string, unknown>;
  /** Pod volumes; only emptyDir is backed by storage here. */
  volumes?: { name: string; emptyDir?: Record<string, unknown> }[];
  /** StatefulSets only: the governing (headless) Service. */
  serviceName?: string;
}

export type PodConfig = DeploymentConfig;
export type StatefulSetConfig = DeploymentConfig;

export interface SyntheticConfig {
  namePrefix: string;
  count: number;
  namespace?: string;
  labels?: Record<string, string>;
  container: ContainerConfig;
  memory: MemoryCurve;
}

export interface ServiceConfig {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  selector?: Record<string, string>;
  ports: { name?: string; port: number; targetPort?: number }[];
  /** A headless Service (clusterIP: None), as a StatefulSet's governing Service is. */
  headless?: boolean;
  /** A local URL the service proxy forwards to (e.g. a real Prometheus). */
  proxyTarget?: string;
}

export interface ClusterConfig {
  user: string;
  namespaces: string[];
  deployments: DeploymentConfig[];
  statefulSets: StatefulSetConfig[];
  /** One pod each on the emulator's node. */
  daemonSets: DeploymentConfig[];
  pods: PodConfig[];
  /** Images beyond the built-in catalogue (runtime/images.ts): name (or `prefix*`) -> what it ships. */
  images: Record<string, ImageSpec>;
  synthetic: SyntheticConfig[];
  services: ServiceConfig[];
  backoff: { baseMs: number; maxMs: number };
  /** How long after its process starts a container is reported ready. */
  readyDelayMs: number;
  runtimePollMs: number;
  watchHistory: number;
  bookmarkIntervalMs: number;
  /** settleMs: how long after the first usage samples the working sets are taken as the backfill's "now" level (processes warm up). */
  prometheus: { enabled: boolean; backfillMinutes: number; leakPerMinuteBytes?: number; settleMs?: number };
}

export const defaults: ClusterConfig = {
  user: 'oncall@example.com',
  namespaces: ['default'],
  deployments: [],
  statefulSets: [],
  daemonSets: [],
  pods: [],
  images: {},
  synthetic: [],
  services: [],
  backoff: { baseMs: 10_000, maxMs: 300_000 },
  readyDelayMs: 1000,
  runtimePollMs: 500,
  watchHistory: 2000,
  bookmarkIntervalMs: 15_000,
  prometheus: { enabled: true, backfillMinutes: 90, settleMs: 5000 },
};

export function withDefaults(partial: Partial<ClusterConfig>): ClusterConfig {
  const c: ClusterConfig = {
    ...defaults,
    ...partial,
    backoff: { ...defaults.backoff, ...partial.backoff },
    prometheus: { ...defaults.prometheus, ...partial.prometheus },
  };
  for (const ns of ['default', 'kube-system', 'monitoring']) if (!c.namespaces.includes(ns)) c.namespaces = [...c.namespaces, ns];
  return c;
}

export async function loadConfig(path: string): Promise<ClusterConfig> {
  return withDefaults(JSON.parse(await readFile(path, 'utf8')) as Partial<ClusterConfig>);
}

export function containersOf(d: DeploymentConfig): ContainerConfig[] {
  const list = d.containers ?? (d.container ? [d.container] : []);
  if (list.length === 0) throw new Error(`cluster config: ${d.name} has no containers`);
  return list;
}
