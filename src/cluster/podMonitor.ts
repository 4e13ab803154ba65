import type { PodMetric } from '@kubernetes/client-node';
import type { Logger } from '../logger.ts';
import type { PodMemory } from '../triage/model.ts';
import { OomHistory } from '../triage/oomHistory.ts';
import { buildPodMemory } from '../triage/podMemory.ts';
import { ClusterError, classify } from './clusterError.ts';
import { InFlight } from './inFlight.ts';
import { listPodMetrics, namespaceExists } from './podList.ts';
import { PodWatcher, type WatchOptions } from './podWatcher.ts';
import type { ClusterSession } from './session.ts';

/** What the view draws: the pods of the scope and what is wrong, if anything. */
export interface PodSnapshot {
  readonly session: ClusterSession;
  readonly pods: readonly PodMemory[];
  /** True once the first list has landed. */
  readonly listed: boolean;
  /** Listing/watching pods failed (or the namespace is missing); pods may be stale. */
  readonly podsError?: ClusterError;
  /** The last metrics poll failed; the pods keep the usage of the last one that worked (metricsAt). */
  readonly metricsError?: ClusterError;
  /** When the usage shown was read (ms since the epoch); undefined before the first answer. */
  readonly metricsAt?: number;
  readonly metricsIntervalMs: number;
  readonly oomCounts: ReadonlyMap<string, number>;
}

/**
 * Whether a refresh got an answer: the pods were listed, or listing them failed. A refresh the
 * monitor's stop() cut short has neither, and its empty pod list means "not asked", not "no pods".
 */
export function answered(snapshot: PodSnapshot): boolean {
  return snapshot.listed || snapshot.podsError !== undefined;
}

export interface MonitorOptions {
  readonly metricsIntervalMs: number;
  readonly log: Logger;
  /** Coalesces bursts of watch events into one redraw. */
  readonly debounceMs?: number;
  /** Kills seen so far; pass the same one to the next monitor so a Refresh keeps "OOM×3". */
  readonly history?: OomHistory;
  /** The watch's server timeout and request timeout (defaults: 300 s, 20 s). */
  readonly watch?: WatchOptions;
}

// Step 1, live: pods through the watcher (no re-list per change), metrics polled on an interval
// with one request per poll. start() and stop() follow the view's visibility.
export class PodMonitor {
  readonly session: ClusterSession;
  private readonly watcher: PodWatcher;
  private readonly history: OomHistory;
  private readonly listeners = new Set<(s: PodSnapshot) => void>();
  /** Pending nextListing() calls; stop() releases them so a command never waits on a dead monitor. */
  private readonly waiters = new Set<() => void>();
  private metrics = new Map<string, PodMetric>();
  private podsError: ClusterError | undefined;
  private metricsError: ClusterError | undefined;
  private metricsAt: number | undefined;
  private listed = false;
  /** Counts answers to a list (a list landed, or listing failed), for nextListing(). */
  private answers = 0;
  private pollTimer: NodeJS.Timeout | undefined;
  private emitTimer: NodeJS.Timeout | undefined;
  private metricsInFlight: Promise<void> | undefined;
  private metricsAbort: AbortController | undefined;
  private readonly refreshing = new InFlight<PodSnapshot>();
  /** Counts stop() calls, so a refresh can tell it was cut short. */
  private stops = 0;
  private last: PodSnapshot;
  private readonly options: MonitorOptions;
  metricsRequests = 0;

  constructor(session: ClusterSession, options: MonitorOptions) {
    this.session = session;
    this.options = options;
    this.history = options.history ?? new OomHistory();
    this.watcher = new PodWatcher(session, {
      onChange: () => this.scheduleEmit(),
      onListed: () => void this.onListed(),
      onWatching: () => {
        // Resumed without a re-list: the earlier error no longer holds (a missing namespace does).
        if (this.podsError && this.podsError.kind !== 'namespace-missing' && this.listed) {
          this.podsError = undefined;
          this.emitNow();
        }
      },
      onError: (e) => {
        this.podsError = e;
        this.answers++;
        this.emitNow();
      },
    }, options.log, options.watch);
    this.last = this.build();
  }

  get snapshot(): PodSnapshot {
    return this.last;
  }

  get requestCounts(): { list: number; watch: number; metrics: number } {
    return { list: this.watcher.listRequests, watch: this.watcher.watchRequests, metrics: this.metricsRequests };
  }

  onSnapshot(listener: (s: PodSnapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get isRunning(): boolean {
    return this.watcher.isRunning;
  }

  start(): void {
    if (this.watcher.isRunning) return;
    this.watcher.start();
    void this.pollMetrics();
  }

  stop(): void {
    this.watcher.stop();
    clearTimeout(this.pollTimer);
    clearTimeout(this.emitTimer);
    this.pollTimer = this.emitTimer = undefined;
    this.metricsAbort?.abort();
    this.metricsInFlight = this.metricsAbort = undefined;
    this.refreshing.forget();
    this.stops++;
    for (const release of [...this.waiters]) release();
  }

  /**
   * Re-list pods and read metrics now; resolves when both answered (or failed). Overlapping calls
   * share the refresh in flight: a second one would restart the list under the first. If stop()
   * cuts it short, the snapshot is not answered() (see there).
   */
  refresh(): Promise<PodSnapshot> {
    return this.refreshing.run(() => this.relist());
  }

  private async relist(): Promise<PodSnapshot> {
    // Just started (the view was shown, or the scope changed under a refresh): the list on its
    // way is as fresh as a new one, and restarting would only abort it.
    const listing = this.watcher.isRunning && !this.listed && !this.podsError;
    const stops = this.stops;
    this.podsError = undefined;
    const listed = this.nextListing();
    // The rows (and `listed`) stay as they are until the new list replaces them.
    if (!listing) this.watcher.start();
    await Promise.all([listed, this.pollMetrics()]);
    // Stopped before the list or the metrics answered: the last snapshot drawn may be from before
    // this refresh began, or lack usage; do not pass it off as the answer.
    return this.stops === stops ? this.last : { ...this.last, listed: false, podsError: undefined };
  }

  /** Resolves at the next successful list or pod error, or when the monitor is stopped. */
  nextListing(): Promise<void> {
    const before = this.answers;
    return new Promise((resolve) => {
      const release = () => {
        off();
        this.waiters.delete(release);
        resolve();
      };
      const off = this.onSnapshot(() => this.answers > before && release());
      this.waiters.add(release);
    });
  }

  private async onListed(): Promise<void> {
    this.podsError = undefined;
    // A list in a namespace that does not exist is just empty; ask once so we can say why.
    if (this.watcher.pods.length === 0 && this.session.namespace && (await namespaceExists(this.session)) === false) {
      this.podsError = new ClusterError('namespace-missing', `Namespace "${this.session.namespace}" does not exist in ${this.session.contextName}.`, 'Pick another namespace (Memory Triage: Select Namespace).', 404);
    }
    this.listed = true;
    this.answers++;
    this.emitNow();
  }

  // One request for the whole scope; overlapping polls share the one in flight, and stop()
  // aborts it, so a hidden view leaves no request behind and a waiting refresh returns.
  pollMetrics(): Promise<void> {
    if (this.metricsInFlight) return this.metricsInFlight;
    clearTimeout(this.pollTimer);
    const abort = (this.metricsAbort = new AbortController());
    this.metricsInFlight = (async () => {
      try {
        const list = await listPodMetrics(this.session, { timeoutMs: 15_000, signal: abort.signal, onRequest: () => this.metricsRequests++ });
        this.metrics = new Map(list.items.map((m) => [`${m.metadata.namespace}/${m.metadata.name}`, m]));
        this.metricsError = undefined;
        this.metricsAt = Date.now();
      } catch (err) {
        if (abort.signal.aborted) return;
        const error = classify(err, { verb: 'list', resource: 'pods.metrics.k8s.io', namespace: this.session.namespace });
        if (this.metricsError?.message !== error.message) this.options.log.warn(`metrics of ${this.session.describe()}: ${error.message}${error.detail ? ` (${error.detail})` : ''}`);
        // The last figures stay, with their age (metricsAt): blank gauges would say less.
        this.metricsError = error;
      } finally {
        // A poll aborted by stop() is no longer the one in flight: a start() since has its own.
        if (!abort.signal.aborted) {
          this.metricsInFlight = this.metricsAbort = undefined;
          if (this.watcher.isRunning) this.pollTimer = setTimeout(() => void this.pollMetrics(), this.options.metricsIntervalMs);
        }
      }
      this.emitNow();
    })();
    return this.metricsInFlight;
  }

  private scheduleEmit(): void {
    if (this.emitTimer) return;
    this.emitTimer = setTimeout(() => this.emitNow(), this.options.debounceMs ?? 200);
  }

  private emitNow(): void {
    clearTimeout(this.emitTimer);
    this.emitTimer = undefined;
    this.last = this.build();
    for (const listener of [...this.listeners]) {
      try {
        listener(this.last);
      } catch (err) {
        // A failing view must not stop the polling loop or surface as an unhandled rejection.
        this.options.log.error(`pod snapshot listener failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      }
    }
  }

  private build(): PodSnapshot {
    const context = this.session.contextName;
    const pods = this.watcher.pods.map((p) => buildPodMemory(p, this.metrics.get(`${p.metadata?.namespace}/${p.metadata?.name}`), context));
    const oomCounts = new Map<string, number>();
    for (const pod of pods) {
      this.history.observe(pod);
      const n = this.history.count(pod);
      if (n > 0) oomCounts.set(pod.uid, n);
    }
    return { session: this.session, pods, listed: this.listed, podsError: this.podsError, metricsError: this.metricsError, metricsAt: this.metricsAt, metricsIntervalMs: this.options.metricsIntervalMs, oomCounts };
  }
}
