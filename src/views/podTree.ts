import * as vscode from 'vscode';
import { ClusterError } from '../cluster/clusterError.ts';
import { InFlight } from '../cluster/inFlight.ts';
import { suggestLabelSelectors } from '../cluster/labelSuggestions.ts';
import { answered, PodMonitor, type PodSnapshot } from '../cluster/podMonitor.ts';
import type { ClusterSession } from '../cluster/session.ts';
import { SessionStore } from '../cluster/sessionStore.ts';
import { ConfigValue, Keys } from '../config.ts';
import { isPositiveNumber } from '../settingChecks.ts';
import { Disposable } from '../disposable.ts';
import type { Logger } from '../logger.ts';
import type { PodMemory } from '../triage/model.ts';
import { OomHistory } from '../triage/oomHistory.ts';
import type { Thresholds } from '../triage/pressure.ts';
import type { SeenKill } from '../triage/verificationEvidence.ts';
import { PodTreeProvider } from './podTreeProvider.ts';
import { PodDetails } from './podDetails.ts';
import type { PodViewHost } from './podViewHost.ts';
import { POD_VIEW_ID } from './viewIds.ts';
import { ContainerItem, PodItem, type PodTreeNode } from './podTreeItems.ts';
import type { PoolStore } from './poolStore.ts';
import type { ScopeStore } from './scopeStore.ts';

// How many times a refresh follows the scope to a new monitor before it gives up unanswered.
const REFRESH_FOLLOWS = 3;
const SUGGEST_TIMEOUT_MS = 15_000;
const HOT_ONLY_KEY = 'memoryTriage.hotPodsOnly';

// The pod tree and its life cycle: a session is opened (kubeconfig read) and the monitor started
// only when the view is visible, never in activate; hiding the view stops the watch and polling.
// Other features use the public events: the trend webview follows onDidSelectPod, commands read
// `session` and `snapshot`.
export class PodTree extends Disposable {
  private readonly selectEmitter = this.register(new vscode.EventEmitter<PodMemory>());
  private readonly sessionEmitter = this.register(new vscode.EventEmitter<ClusterSession | undefined>());
  private readonly snapshotEmitter = this.register(new vscode.EventEmitter<PodSnapshot>());

  /** Fires when the user selects a pod (or a container of it) in the tree. */
  readonly onDidSelectPod: vscode.Event<PodMemory> = this.selectEmitter.event;
  /** Fires when the context, namespace or label selector changes. */
  readonly onDidChangeSession: vscode.Event<ClusterSession | undefined> = this.sessionEmitter.event;
  /** Fires with every redraw of the pods (watch events, metrics polls). */
  readonly onDidChangeSnapshot: vscode.Event<PodSnapshot> = this.snapshotEmitter.event;

  /** The items as drawn (read by the extension-host tests). */
  readonly provider: PodTreeProvider;
  readonly view: vscode.TreeView<ReturnType<PodTreeProvider['getChildren']>[number]>;
  private readonly warning = this.register(new ConfigValue<number>(Keys.warningThreshold, 80));
  private readonly critical = this.register(new ConfigValue<number>(Keys.criticalThreshold, 90));
  private readonly interval = this.register(new ConfigValue<number>(Keys.metricsInterval, 15, isPositiveNumber));
  private monitor: PodMonitor | undefined;
  private readonly refreshing = new InFlight<PodSnapshot | undefined>();
  private readonly history = new OomHistory();
  private unsubscribe: (() => void) | undefined;
  private currentSession: ClusterSession | undefined;
  /** One session per context while its kubeconfig is unchanged; the trend's sessions come from here too. */
  readonly sessions = new SessionStore();
  private readonly scopes: ScopeStore;
  private readonly log: Logger;
  private suggested: { session: ClusterSession; selectors: string[] } | undefined;
  /** The tooltip's events and node, read on hover through the current session. */
  readonly details = new PodDetails(() => this.currentSession?.kubeConfig);

  /** `pools`: step 4's results, drawn as a row under each pod checked; `host`: the view the entry created (else one is created here). */
  constructor(scopes: ScopeStore, log: Logger, pools?: PoolStore, host?: Pick<PodViewHost, 'view' | 'use'>) {
    super();
    this.scopes = scopes;
    this.log = log;
    this.provider = this.register(new PodTreeProvider((uid) => pools?.get(uid)?.report, (pod, signal) => this.details.markdown(pod, signal)));
    if (pools) this.register(pools.onDidChange(() => this.redraw()));
    if (host) host.use(this.provider);
    this.view = (host?.view as vscode.TreeView<PodTreeNode> | undefined) ?? this.register(vscode.window.createTreeView(POD_VIEW_ID, { treeDataProvider: this.provider, showCollapseAll: true }));
    // Hidden during a refresh: the refresh stops the monitor once it has its answer.
    this.register(this.view.onDidChangeVisibility((e) => (e.visible ? this.start() : this.refreshing.active || this.monitor?.stop())));
    this.register(this.view.onDidChangeSelection((e) => {
      const item = e.selection[0];
      if (item instanceof PodItem || item instanceof ContainerItem) this.selectEmitter.fire(item.pod);
    }));
    this.register(scopes.onDidChange(() => this.reopen()));
    for (const setting of [this.warning, this.critical]) this.register(setting.onChange(() => this.redraw()));
    this.register(this.interval.onChange(() => this.reopen()));
    this.register({ dispose: () => this.closeMonitor() });
    this.register(this.sessions);
    if (this.view.visible) this.start();
  }

  get session(): ClusterSession | undefined {
    return this.currentSession;
  }

  get snapshot(): PodSnapshot | undefined {
    return this.monitor?.snapshot;
  }

  /** The OOM kills the tree saw while it watched (pods since replaced included). */
  get seenKills(): SeenKill[] {
    return this.history.seenKills();
  }

  get thresholds(): Thresholds {
    return { warning: this.warning.value, critical: Math.max(this.warning.value, this.critical.value) };
  }

  /** Opens the session if needed and starts watching; returns the monitor, or undefined on error. */
  start(): PodMonitor | undefined {
    if (!this.monitor) this.open();
    this.monitor?.start();
    return this.monitor;
  }

  /** The session, opened (kubeconfig read) if needed, without starting to watch. */
  ensureSession(): ClusterSession | undefined {
    if (!this.monitor) this.open();
    return this.currentSession;
  }

  /**
   * Re-lists pods and reads metrics now (the Refresh command and step 1). Overlapping calls share
   * one refresh. Undefined when no cluster could be opened; a snapshot that is not answered() only
   * if the scope kept changing under it.
   */
  refresh(): Promise<PodSnapshot | undefined> {
    return this.refreshing.run(() => this.refreshNow());
  }

  private async refreshNow(): Promise<PodSnapshot | undefined> {
    // The kubeconfig is read again (a new token after "log in again" changes it); while this
    // context's entries are unchanged the session is the same, and the monitor re-lists through
    // it with the rows still on screen. A changed one gets a new session and monitor.
    const session = this.openSession();
    if (!session || session !== this.monitor?.session) {
      this.closeMonitor();
      if (session) this.watch(session);
    }
    let snapshot = await this.monitor?.refresh();
    // Cut short: a scope or interval change closed the monitor. Ask the new scope's instead, so
    // the command that asked judges the pods it now shows rather than an empty list.
    for (let i = 0; snapshot && !answered(snapshot) && i < REFRESH_FOLLOWS && !this.isDisposed; i++) {
      if (!this.monitor) this.open(); // reopened while hidden: nothing was started
      snapshot = await this.monitor?.refresh();
    }
    // Asked for from the palette with the view hidden: answer, but do not keep polling.
    if (!this.view.visible) this.monitor?.stop();
    return snapshot;
  }

  async reveal(uid: string): Promise<void> {
    const item = this.provider.itemFor(uid);
    if (item) await this.view.reveal(item, { select: true, focus: true, expand: true });
  }

  private open(): void {
    const session = this.openSession();
    if (session) this.watch(session);
  }

  // Undefined (and the error shown as the tree's message) when the kubeconfig or context is bad.
  private openSession(): ClusterSession | undefined {
    try {
      return this.sessions.open(this.scopes.scope, this.scopes.kubeconfigPath.value || undefined);
    } catch (err) {
      const error = err instanceof ClusterError ? err : new ClusterError('other', String(err), 'See the Memory Triage log.');
      this.log.error(`Cannot open the cluster: ${error.message}`);
      this.view.description = this.view.message = undefined;
      this.setSession(undefined);
      this.provider.showError(error);
      return undefined;
    }
  }

  private watch(session: ClusterSession): void {
    this.log.info(`Watching pods of ${session.describe()} (${session.server}; kubeconfig ${session.files.join(', ')})`);
    this.monitor = new PodMonitor(session, { metricsIntervalMs: Math.max(2, this.interval.value) * 1000, log: this.log, history: this.history });
    this.unsubscribe = this.monitor.onSnapshot((s) => this.draw(s));
    // With one view in the container VS Code drops the description and title-cases the title
    // ("App=Api"), so the scope is also the tree's message line, shown as written.
    this.view.description = session.describe();
    this.view.message = `Scope: ${session.describe()}`;
    this.setSession(session);
    this.draw(this.monitor.snapshot);
  }

  private reopen(): void {
    const wasVisible = this.view.visible;
    this.closeMonitor();
    this.setSession(undefined);
    if (wasVisible) this.start();
  }

  private closeMonitor(): void {
    this.unsubscribe?.();
    this.monitor?.stop();
    this.monitor = this.unsubscribe = undefined;
  }

  private setSession(session: ClusterSession | undefined): void {
    if (session === this.currentSession) return;
    this.currentSession = session;
    this.sessionEmitter.fire(session);
  }

  // Once per session: the selectors on the namespace's pods, when the scope's matches none.
  private suggest(session: ClusterSession): void {
    if (this.suggested?.session === session) return;
    const entry: { session: ClusterSession; selectors: string[] } = { session, selectors: [] };
    this.suggested = entry;
    suggestLabelSelectors(session, { timeoutMs: SUGGEST_TIMEOUT_MS }).then(
      (selectors) => {
        entry.selectors = selectors;
        if (this.suggested === entry && selectors.length > 0) this.redraw();
      },
      (err: unknown) => this.log.info(`No label selectors to suggest: ${err instanceof Error ? err.message : String(err)}`),
    );
  }

  /** The view title's filter toggle; the context key swaps the two title buttons. */
  async setHotOnly(on: boolean): Promise<void> {
    this.provider.hotOnly = on;
    await vscode.commands.executeCommand('setContext', HOT_ONLY_KEY, on);
    this.redraw();
  }

  private redraw(): void {
    if (this.monitor) this.draw(this.monitor.snapshot);
  }

  private draw(snapshot: PodSnapshot): void {
    const empty = snapshot.listed && snapshot.pods.length === 0 && !snapshot.podsError && snapshot.session.labelSelector !== '';
    if (empty) this.suggest(snapshot.session);
    this.provider.show(snapshot, this.thresholds, undefined, empty && this.suggested?.session === snapshot.session ? this.suggested.selectors : []);
    this.snapshotEmitter.fire(snapshot);
  }
}
