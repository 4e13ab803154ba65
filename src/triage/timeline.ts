// The incident's timeline (ARCHITECTURE.md "the incident's timeline of Findings and actions that
// the report is written from"). Every step, action and verification records one entry; the
// incident view keeps them in the workspace storage and writes the post-incident report from them.
// Plain data only (JSON-serialisable: dates as ISO strings), so it survives a window reload.

/** The cluster object an action or a measurement was about. */
export interface TimelineTarget {
  readonly context: string;
  readonly namespace: string;
  /** Pod, Deployment, StatefulSet, DaemonSet, HorizontalPodAutoscaler, ... */
  readonly kind: string;
  readonly name: string;
}

/** A runbook diagnosis step run and what it found (figures as shown, e.g. "188 MiB / 192 MiB"). */
export interface MeasurementEntry {
  readonly kind: 'measurement';
  /** ISO time. */
  readonly at: string;
  readonly step: 1 | 2 | 3 | 4;
  readonly targets: readonly TimelineTarget[];
  /** One line, as the notification said it. */
  readonly summary: string;
  /** Named figures for the report's tables: { "working set": "188 MiB", "limit": "192 MiB" }. */
  readonly figures?: Readonly<Record<string, string | number>>;
  /** Steps 1-4: the pods measured, one row per container (the report's "at the start" table). */
  readonly pods?: readonly PodFigures[];
  /** Step 3: the top allocation sites, with the workspace file each maps to when it does. */
  readonly sites?: readonly SiteFigures[];
  /** Names of the targets that were OOM-killed: the first such step opens an incident by itself. */
  readonly oomKilled?: readonly string[];
}

/** One container as a step saw it; sizes as shown ("188 MiB"). */
export interface PodFigures {
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
  readonly workingSet?: string;
  readonly limit?: string;
  readonly percent?: number;
  readonly restarts: number;
  /** ISO time of the last OOM kill the status remembers. */
  readonly lastOomKill?: string;
}

/** One allocation site of step 3, as the report lists it. */
export interface SiteFigures {
  /** As the process saw it (container path). */
  readonly file: string;
  readonly line: number;
  readonly functionName?: string;
  /** Workspace-relative path the container path maps to (pathMappings), when it does. */
  readonly workspacePath?: string;
  readonly bytes: string;
  readonly growth?: string;
}

/** A change to the cluster through the guarded path (resolution A, B, D and their follow-ups). */
export interface ActionEntry {
  readonly kind: 'action';
  readonly at: string;
  /** restart, raise-limit, scale, hpa-min-replicas, delete-pod */
  readonly action: string;
  readonly target: TimelineTarget;
  /** The exact change in words: "memory limit of container api 192Mi -> 256Mi". */
  readonly change: string;
  readonly outcome: 'applied' | 'cancelled' | 'dry-run-failed' | 'failed' | 'refused';
  /** What the server or the rollout said; the state the workload was left in. */
  readonly detail: string;
}

export interface VerificationEntry {
  readonly kind: 'verification';
  readonly at: string;
  /** ISO time the verification judged from. */
  readonly since: string;
  /** undefined: could not be checked. */
  readonly passed: boolean | undefined;
  readonly summary: string;
  /** The pods as the verification measured them (the report's "at verification" table). */
  readonly pods?: readonly PodFigures[];
}

export interface NoteEntry {
  readonly kind: 'note';
  readonly at: string;
  readonly text: string;
}

export type TimelineEntry = MeasurementEntry | ActionEntry | VerificationEntry | NoteEntry;

/** One incident: opened by Start Incident or by the first step run on an OOM-killed pod. */
export interface Incident {
  readonly id: string;
  readonly startedAt: string;
  readonly endedAt?: string;
  /** "Start Incident", or "step 1 found api-0 OOMKilled". */
  readonly startedBy: string;
  readonly entries: readonly TimelineEntry[];
  /** Minutes of the escalation levels already announced (a reload does not announce them again). */
  readonly notified: readonly number[];
}

/** The time of the last applied action among the entries. */
export function lastAppliedAction(entries: readonly TimelineEntry[]): Date | undefined {
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i];
    if (e.kind === 'action' && e.outcome === 'applied') return new Date(e.at);
  }
  return undefined;
}

/** What commands see of the incident: they record, the incident store keeps. */
export interface TimelineRecorder {
  record(entry: TimelineEntry): void;
  /** The time of the last applied action (Verify Recovery's "since the last resolution"). */
  lastResolution(): Date | undefined;
}
