import { HttpMethod, ListWatch, RequestContext, Watch, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { authenticate } from './apiRequest.ts';
import type { Logger } from '../logger.ts';
import { classify, credentialError, type ClusterError } from './clusterError.ts';
import { listPods, podsPath } from './podList.ts';
import type { ClusterSession } from './session.ts';

export interface PodWatcherEvents {
  /** The set of pods changed (a list landed, or a watch event arrived). */
  onChange(): void;
  /** Listing or watching failed; the watcher retries on its own with a growing delay. */
  onError(error: ClusterError): void;
  /** A list succeeded (the first one, or a re-list after an error or a 410). */
  onListed(): void;
  /** A watch stream opened (after a list, or resumed after a disconnect): the pods are live again. */
  onWatching(): void;
}

export interface WatchOptions {
  /** The server ends each watch after this long; the watcher resumes from the last version. */
  readonly timeoutSeconds?: number;
  /** The credential step and the stream's opening give up after this long, as other requests do. */
  readonly requestTimeoutMs?: number;
}

// client-go's reflector asks for 5-10 minutes; the real API sends a bookmark about once a minute,
// so the stream is never silent for longer than the inactivity limit below.
const WATCH_TIMEOUT_SECONDS = 300;
const REQUEST_TIMEOUT_MS = 20_000;
const SILENCE_MS = 90_000;

// Watch.watch resolves once the stream is open (HTTP 200) or has failed; telling the two apart
// is how a resumed watch (no new list) can clear an earlier "unreachable" message.
class ObservedWatch extends Watch {
  private readonly onRequest: () => void;
  private readonly onOpen: () => void;
  private readonly kc: KubeConfig;
  private readonly timeoutSeconds: number;
  private readonly credentialTimeoutMs: number;

  constructor(kc: KubeConfig, options: WatchOptions, onRequest: () => void, onOpen: () => void) {
    super(kc);
    this.kc = kc;
    this.onRequest = onRequest;
    this.onOpen = onOpen;
    this.timeoutSeconds = options.timeoutSeconds ?? WATCH_TIMEOUT_SECONDS;
    this.credentialTimeoutMs = options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
    // client-node's inactivity limit (30 s) is shorter than the real API's bookmark interval.
    (this as unknown as { requestTimeoutMs: number }).requestTimeoutMs = Math.max(SILENCE_MS, this.credentialTimeoutMs);
  }

  // Watch.watch throws (instead of calling done) when the credentials cannot be had, e.g. an
  // exec plugin whose SSO session expired, and waits without limit for a plugin that hangs.
  // ListWatch calls it from a callback nobody awaits, so a throw would be an unhandled
  // rejection and a hang would stop updates with no message. The credentials are fetched here
  // first, under the request timeout (client-node then answers from its token cache); a failure
  // is reported through done, as an 'error' event that the watcher shows and retries.
  override async watch(path: string, query: Record<string, string | number | boolean | undefined>, callback: (phase: string, obj: any, watchObj?: any) => void, done: (err: any) => void): Promise<AbortController> {
    let failed = false;
    this.onRequest();
    const report = (err: unknown) => {
      if (err) failed = true;
      done(err);
    };
    let controller: AbortController;
    try {
      await authenticate(this.kc, new RequestContext(`${this.kc.getCurrentCluster()?.server ?? ''}${path}`, HttpMethod.GET), this.credentialTimeoutMs);
      // Bookmarks carry the newest resourceVersion through a quiet scope, so resuming after the
      // server's timeout does not meet a 410 and a re-list.
      controller = await super.watch(path, { ...query, allowWatchBookmarks: true, timeoutSeconds: this.timeoutSeconds }, callback, report);
    } catch (err) {
      report(credentialError(err));
      return new AbortController();
    }
    if (!failed) this.onOpen();
    return controller;
  }
}

const BASE_RETRY_MS = 1000;
const MAX_RETRY_MS = 30_000;
// A watch that stayed open this long was a working connection: the next failure starts the
// back-off afresh. A stream that opens and drops at once keeps growing it (no 1 s loop).
const STABLE_MS = 10_000;

// client-node's ListWatch does the informer part: list, then watch from the list's
// resourceVersion, resume from the last seen version when the server closes the stream, and
// re-list on 410 Gone. It stops on any other error, so this class restarts it with a back-off,
// and it ignores the abort error ListWatch reports when we stop it ourselves.
export class PodWatcher {
  private informer: ListWatch<V1Pod> | undefined;
  /** Aborts the informer's list in flight: ListWatch would open a watch after it even when stopped. */
  private listAbort: AbortController | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryMs = BASE_RETRY_MS;
  private openedAt: number | undefined;
  private running = false;
  private generation = 0;
  private listed = false;
  private previous: readonly V1Pod[] = [];
  listRequests = 0;
  /** Watch streams opened (including resumes after a disconnect). */
  watchRequests = 0;

  private readonly session: ClusterSession;
  private readonly events: PodWatcherEvents;
  private readonly log: Logger;
  private readonly watchOptions: WatchOptions;

  constructor(session: ClusterSession, events: PodWatcherEvents, log: Logger, watchOptions: WatchOptions = {}) {
    this.session = session;
    this.watchOptions = watchOptions;
    this.events = events;
    this.log = log;
  }

  /** The cached pods; after a restart, the previous ones until the new list lands. */
  get pods(): readonly V1Pod[] {
    return this.listed ? (this.informer?.list() ?? []) : this.previous;
  }

  get isRunning(): boolean {
    return this.running;
  }

  // Every start lists afresh: after the view was hidden for a while the resourceVersion would
  // mostly be too old anyway (410). Disconnects while running resume from the last version.
  start(): void {
    const previous = this.pods;
    this.stopInformer();
    this.previous = previous;
    this.listed = false;
    this.running = true;
    const generation = ++this.generation;
    this.informer = this.createInformer(generation);
    this.run(this.informer, generation);
  }

  // ListWatch.start() reports failures as 'error' events; a rejection would be a bug upstream,
  // and is retried the same way rather than left unhandled.
  private run(informer: ListWatch<V1Pod>, generation: number): void {
    informer.start().catch((err: unknown) => this.current(generation) && this.failed(err, generation));
  }

  stop(): void {
    this.running = false;
    this.generation++;
    this.stopInformer();
  }

  private stopInformer(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.listAbort?.abort();
    // stop() only aborts the open request; nothing in it can fail that the view could act on.
    this.informer?.stop().catch(() => undefined);
  }

  // Callbacks carry the generation they were made for, so a stopped informer's late events
  // (the abort error it reports when stopped, above all) never reach the view.
  private createInformer(generation: number): ListWatch<V1Pod> {
    const session = this.session;
    const abort = (this.listAbort = new AbortController());
    const listFn = async () => {
      const list = await listPods(session, { signal: abort.signal, onRequest: () => this.listRequests++ });
      this.retryMs = BASE_RETRY_MS;
      // ListWatch fills its cache after this returns; tell the listener once it has.
      setImmediate(() => {
        if (!this.current(generation)) return;
        this.listed = true;
        this.previous = [];
        this.events.onListed();
      });
      return list;
    };
    const watch = new ObservedWatch(session.kubeConfig, this.watchOptions, () => this.watchRequests++, () => {
      if (!this.current(generation)) return;
      this.openedAt = Date.now();
      this.events.onWatching();
    });
    const informer = new ListWatch<V1Pod>(podsPath(session.namespace), watch, listFn, false, session.labelSelector || undefined);
    informer.on('change', () => this.current(generation) && this.listed && this.events.onChange());
    informer.on('error', (err: unknown) => this.current(generation) && this.failed(err, generation));
    return informer;
  }

  private current(generation: number): boolean {
    return this.running && generation === this.generation;
  }

  private failed(err: unknown, generation: number): void {
    const error = classify(err, { verb: 'watch', resource: 'pods', namespace: this.session.namespace, server: this.session.server });
    if (this.openedAt !== undefined && Date.now() - this.openedAt >= STABLE_MS) this.retryMs = BASE_RETRY_MS;
    this.openedAt = undefined;
    this.log.warn(`pods of ${this.session.describe()}: ${error.message}${error.detail ? ` (${error.detail})` : ''}; retrying in ${this.retryMs / 1000}s`);
    this.events.onError(error);
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      if (this.current(generation) && this.informer) this.run(this.informer, generation);
    }, this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
  }
}
