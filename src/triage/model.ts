// The shared models (ARCHITECTURE.md "one model per concept"). Every producer (the cluster,
// Prometheus, a heap capture) fills these; every view reads them. Plain data only.

/** Which pod, in which cluster: enough to find it again and to name it in a confirmation. */
export interface PodRef {
  readonly context: string;
  readonly namespace: string;
  readonly name: string;
}

/** The workload that owns a pod, found through owner references. */
export interface WorkloadRef {
  readonly kind: 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'ReplicaSet' | 'Job' | 'Pod';
  readonly namespace: string;
  readonly name: string;
}

export interface Termination {
  readonly reason: string; // OOMKilled, Error, Completed, ...
  readonly exitCode: number;
  readonly signal?: number;
  readonly startedAt?: Date;
  readonly finishedAt?: Date;
}

export interface ContainerMemory {
  readonly name: string;
  readonly image: string;
  /** Working set from metrics.k8s.io (what the kubelet acts on); undefined when no metrics. */
  readonly workingSetBytes?: number;
  readonly requestBytes?: number;
  readonly limitBytes?: number;
  readonly restartCount: number;
  readonly ready: boolean;
  /** running, waiting or terminated, with the waiting/terminated reason (CrashLoopBackOff, ...). */
  readonly state: { readonly kind: 'running' | 'waiting' | 'terminated'; readonly reason?: string; readonly since?: Date };
  readonly lastTermination?: Termination;
  /**
   * Undefined for an app container (spec.containers). 'sidecar': a native sidecar, an
   * initContainers entry with restartPolicy Always that runs beside the app with its own limit.
   * 'init': a plain init container, kept only while it has not completed or when it was OOM-killed.
   */
  readonly role?: 'sidecar' | 'init';
}

export interface PodMemory {
  readonly ref: PodRef;
  readonly uid: string;
  readonly workload: WorkloadRef;
  readonly phase: string;
  /** Why the pod is in its phase, when the API says: status.reason (Evicted), or Unschedulable from the PodScheduled condition. */
  readonly reason?: string;
  readonly node?: string;
  readonly qosClass?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly createdAt?: Date;
  readonly containers: readonly ContainerMemory[];
  /** When metrics were read; undefined when metrics.k8s.io gave nothing for this pod. */
  readonly metricsAt?: Date;
}

/** A point of a time series: seconds since the epoch, value in bytes. */
export type Sample = readonly [timestampSeconds: number, value: number];

export interface SeriesOf {
  readonly pod: string;
  readonly container: string;
  readonly samples: readonly Sample[];
}

export interface TrendEvent {
  readonly pod: string;
  readonly container: string;
  readonly atSeconds: number;
  readonly kind: 'OOMKilled' | 'restart';
}

/** Step 2: working set over a window, the limit, and what happened in it. */
export interface MemoryTrend {
  readonly namespace: string;
  readonly startSeconds: number;
  readonly endSeconds: number;
  readonly stepSeconds: number;
  readonly workingSet: readonly SeriesOf[];
  readonly limits: readonly SeriesOf[];
  readonly events: readonly TrendEvent[];
  /** Other memory measures drawn beside the working set for comparison (RSS, usage incl. page cache). */
  readonly compare?: readonly { readonly label: string; readonly series: readonly SeriesOf[] }[];
  /** Where the figures came from, said to the user (URL without credentials, query). */
  readonly source: string;
}

/** Step 3: top allocation sites of a live process, from any runtime's capture. */
export interface AllocationSite {
  readonly file: string; // as the process saw it (container path)
  readonly line: number;
  readonly functionName?: string;
  readonly bytes: number;
  readonly count: number;
  readonly growthBytes?: number;
}

export interface AllocationReport {
  readonly pod: PodRef;
  readonly container: string;
  readonly runtime: 'python' | 'node' | 'go';
  readonly takenAt: Date;
  readonly totalBytes: number;
  readonly sites: readonly AllocationSite[];
  /** How it was measured, in words shown to the user. */
  readonly method: string;
}
