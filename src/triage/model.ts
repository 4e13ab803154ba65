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

/** One frame of a call stack, as the process saw it (container path), innermost first in a traceback. */
export interface StackFrame {
  readonly file: string;
  /** 1-based, whatever the runtime's own convention (V8's 0-based lines are converted by the reader). */
  readonly line: number;
  readonly column?: number;
  readonly functionName?: string;
  /** Standard library, site-packages, node_modules, the Go runtime: not the service's own code. */
  readonly library?: boolean;
}

/**
 * Step 3: one allocation site of a capture. `bytes`/`count` are what is alive at the end of the
 * window (or in the file); `growthBytes`/`growthCount` what was added over the window when the
 * capture compares two moments (undefined when it cannot tell growth from size).
 */
export interface AllocationSite {
  readonly file: string; // as the process saw it (container path)
  readonly line: number;
  readonly column?: number;
  readonly functionName?: string;
  readonly bytes: number;
  readonly count: number;
  readonly growthBytes?: number;
  readonly growthCount?: number;
  /** The call stack that allocated here, innermost frame first. */
  readonly traceback?: readonly StackFrame[];
  /** Not the service's own code (see StackFrame.library); a view groups these apart. */
  readonly library?: boolean;
  /** The source line's text as the process read it, when the capture could tell. */
  readonly code?: string;
}

/** A heap file summarised by what the objects are (V8 constructors, Go types): not lines of code. */
export interface AllocationGroup {
  readonly name: string;
  readonly count: number;
  readonly selfBytes: number;
  readonly retainedBytes?: number;
  readonly growthBytes?: number;
  readonly growthCount?: number;
}

/** What a capture measured, so the view and the report can say it plainly. */
export interface CaptureMethod {
  /** e.g. 'tracemalloc via gdb in an ephemeral debug container', 'V8 sampling heap profile'. */
  readonly description: string;
  /** 'growth': sites are what grew over the window; 'size': what is alive (a single snapshot or file). */
  readonly measure: 'growth' | 'size';
  readonly windowSeconds?: number;
  /** Free-form notes shown with the report (tracing already on, frames, sampling interval...). */
  readonly notes?: readonly string[];
}

export interface AllocationReport {
  /** The pod the capture came from; undefined for a report read from a file. */
  readonly pod?: PodRef;
  readonly container?: string;
  /** The process inside the container, as its PID there. */
  readonly pid?: number;
  /** The file a report was read from (heap snapshot, profile, saved report). */
  readonly sourceFile?: string;
  readonly runtime: 'python' | 'node' | 'go';
  readonly takenAt: Date;
  /** Bytes alive in the traced heap at the end (tracemalloc's traced memory, V8's heap, Go's inuse). */
  readonly totalBytes: number;
  readonly totalCount?: number;
  /** Growth of the whole traced heap over the window, when measured. */
  readonly growthBytes?: number;
  readonly sites: readonly AllocationSite[];
  readonly groups?: readonly AllocationGroup[];
  readonly method: CaptureMethod;
}

/** Step 4: one connection pool as the live process holds it (SQLAlchemy's QueuePool, pg's Pool...). */
export interface PoolFigures {
  /** Where it was found: 'infrastructure.db:engine', or 'gc' for one found by the garbage-collector scan. */
  readonly foundAt: string;
  /** The database URL without its password. */
  readonly url?: string;
  readonly poolClass: string;
  readonly size?: number;
  readonly checkedIn?: number;
  readonly checkedOut?: number;
  readonly overflow?: number;
  readonly maxOverflow?: number;
  readonly timeoutSeconds?: number;
  /** Seconds each checked-out connection has been out, where the pool keeps it. */
  readonly outForSeconds?: readonly number[];
}

/** Step 4: the pod's TCP sockets to one remote address and port in one state (from /proc/net/tcp{,6}). */
export interface SocketGroup {
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly state: string; // ESTABLISHED, TIME_WAIT, ...
  readonly count: number;
  /** 'PostgreSQL' for 5432, ... from the configured database ports. */
  readonly service?: string;
}

/** One look at the pool and the sockets; what could not be measured is said in `problems`. */
export interface PoolCheck {
  readonly at: Date;
  readonly pools: readonly PoolFigures[];
  readonly sockets: readonly SocketGroup[];
  readonly problems: readonly string[];
}

export type PoolVerdictKind = 'exhausted' | 'leaking' | 'healthy' | 'unknown';

export interface PoolReport {
  readonly pod: PodRef;
  readonly container: string;
  readonly pid?: number;
  /** One check, or two a window apart (growth tells a leak from a busy pool). */
  readonly checks: readonly PoolCheck[];
  readonly verdict: { readonly kind: PoolVerdictKind; readonly text: string };
  /** How it was measured: 'SQLAlchemy pool read in the live process by gdb in ...; sockets from /proc/net/tcp'. */
  readonly method: string;
}
