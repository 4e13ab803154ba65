import * as vscode from 'vscode';
import { TREND_VIEW_TYPE } from './viewIds.ts';
import { ConfigValue, Keys } from '../config.ts';
import { Disposable } from '../disposable.ts';
import type { Logger } from '../logger.ts';
import { fetchMemoryTrend } from '../prometheus/memoryTrend.ts';
import { DEFAULT_RANGE, RANGES, rangeChoice, windowEndingAt, type RangeId } from '../prometheus/step.ts';
import type { PodScope } from '../prometheus/promql.ts';
import type { PodMemory } from '../triage/model.ts';
import { withPodFacts } from '../triage/trendPodFacts.ts';
import { summarizeTrend } from '../triage/trendVerdict.ts';
import type { AllocationsStatus, FromWebview, PoolStatus, ToWebview, TrendStatus, TrendViewState } from '../webview/protocol.ts';
import { ChartImageRequests } from './chartImageRequests.ts';
import { AllocationsPart, type AllocationActions } from './allocationsPart.ts';
import { PoolPart, type PoolActions } from './poolPart.ts';
import type { KubeAccess, PrometheusConnections } from './prometheusConnection.ts';
import { adoptTrendWebview } from './trendWebview.ts';
import { parseSavedTrend } from './trendRestore.ts';
import { passesOnItsOwn, sameTarget } from './trendPanelRules.ts';
import { resolveAllowed, ResolvePart } from './resolvePart.ts';
import { currentPods, targetForItem } from './trendTargets.ts';

/** What to chart: a scope of pods in one context, and the pods as the tree knows them. */
export interface TrendTarget {
  readonly title: string;
  readonly context: string;
  readonly scope: PodScope;
  readonly pods: readonly PodMemory[];
}

export interface TrendPanelDeps {
  readonly extensionUri: vscode.Uri;
  readonly connections: PrometheusConnections;
  /** The cluster connection for a context (the pod tree's session when it is that context). */
  readonly access: (context: string) => KubeAccess | undefined;
  readonly thresholds: () => { warning: number; critical: number };
  readonly log: Logger;
  /** The tree's selection (pod, container or workload items): an open panel follows it. */
  readonly selections?: vscode.Event<{ readonly selection: readonly unknown[] }>;
  /** The pods the tree lists now: fresher facts (limit, OOM kills) than those the panel opened with. */
  readonly listedPods?: () => readonly PodMemory[];
  /** What the allocations part's buttons do (open a site, map a path, save, capture). */
  readonly allocationActions?: AllocationActions;
  /** What the connections part's button does (check the pod again). */
  readonly poolActions?: PoolActions;
  readonly treeContext?: () => string | undefined; // the tree session's context: the resolution buttons act through it only
}

/** The shortest automatic refresh: a faster one would mostly re-read the same samples. */
export const MIN_REFRESH_SECONDS = 5;

/** One webview panel, reused: hydrated whole on "ready", then sent small status updates. */
export class TrendPanel extends Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private target: TrendTarget | undefined;
  private range: RangeId = DEFAULT_RANGE;
  private status: TrendStatus = { kind: 'empty', message: 'Choose a pod in the Memory Triage view.' };
  private loading: AbortController | undefined;
  private lastLoadAt = 0;
  private refreshTimer: NodeJS.Timeout | undefined;
  /** The last load failed in a way only the user can fix: no automatic load until they act. */
  private waitingForUser = false;
  private readonly refreshSetting = this.register(new ConfigValue<number>(Keys.trendRefresh, 60));
  private readonly deps: TrendPanelDeps;
  private readonly allocations: AllocationsPart;
  private readonly pool: PoolPart;
  /** The Restart / Raise Limit / Scale Out buttons (public: the suite runs them as the page asks). */
  readonly resolution: ResolvePart;
  private readonly images = new ChartImageRequests((m) => this.post(m));

  constructor(deps: TrendPanelDeps) {
    super();
    this.deps = deps;
    this.allocations = new AllocationsPart((m) => this.post(m), deps.allocationActions);
    this.pool = new PoolPart((m) => this.post(m), deps.poolActions);
    this.resolution = this.register(new ResolvePart((m) => this.post(m), () => this.target, deps.treeContext ?? (() => undefined)));
    this.register({ dispose: () => { clearTimeout(this.refreshTimer); this.panel?.dispose(); } });
    // A new threshold changes the threshold line and the verdicts, not the figures: no new query.
    this.register(vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('memoryTriage.warningThreshold') || e.affectsConfiguration('memoryTriage.criticalThreshold')) this.rejudge();
    }));
    this.register(this.refreshSetting.onChange(() => {
      this.postSettings();
      this.schedule();
    }));
    if (deps.selections) {
      this.register(deps.selections((e) => {
        const next = targetForItem(e.selection[0], this.target?.context ?? '');
        // only a panel on screen follows: a click in the tree must not pull a hidden tab forward
        if (next && this.panel?.visible && !sameTarget(next, this.target)) void this.show(next, { preserveFocus: true });
      }));
    }
  }

  /** The column the panel is in, when open: a site opens in the other one. */
  get viewColumn(): vscode.ViewColumn | undefined { return this.panel?.viewColumn; }
  get isOpen(): boolean { return this.panel !== undefined; }

  /** Opens (or reveals) the panel and loads the target's trend. */
  async show(target: TrendTarget, options: { preserveFocus?: boolean } = {}): Promise<void> {
    this.target = target;
    if (this.panel) this.panel.reveal(undefined, options.preserveFocus);
    else this.panel = this.create(options.preserveFocus ?? false);
    await this.load();
  }

  /** Opens (or reveals) the panel on the target with its allocations; beside the editor, so a site opens in the other column. */
  async showAllocations(target: TrendTarget, status: AllocationsStatus, options: { preserveFocus?: boolean } = {}): Promise<void> {
    await this.showPart(target, () => this.allocations.set(status), options);
  }

  /** The same for the connections part (step 4). */
  async showPool(target: TrendTarget, status: PoolStatus, options: { preserveFocus?: boolean } = {}): Promise<void> {
    await this.showPart(target, () => this.pool.set(status), options);
  }

  private async showPart(target: TrendTarget, set: () => void, options: { preserveFocus?: boolean }): Promise<void> {
    // the same pods keep their trend (a capture or a check posts several times); other pods' trend loads
    const keepTrend = this.panel !== undefined && sameTarget(target, this.target) && (this.status.kind === 'ready' || this.status.kind === 'loading');
    if (!sameTarget(target, this.target)) this.target = target;
    if (this.panel) this.panel.reveal(undefined, options.preserveFocus);
    else this.panel = this.create(options.preserveFocus ?? false, vscode.ViewColumn.Beside);
    set();
    if (!keepTrend) await this.load();
  }

  /** What the allocations and connections parts show now, for tests and for the commands. */
  get allocationStatus(): AllocationsStatus { return this.allocations.current; }
  get poolStatus(): PoolStatus { return this.pool.current; }

  /** The chart on screen as a PNG (for the report); a hidden page is unloaded, so it is brought forward first. */
  chartImage(timeoutMs = 10_000): Promise<{ png?: Uint8Array; reason?: string }> {
    if (!this.panel) return Promise.resolve({ reason: 'the trend panel is not open' });
    this.panel.reveal(undefined, true);
    return this.images.askUntil(timeoutMs);
  }

  /** Takes over a panel VS Code restored; loads what it showed, or asks for a pod. */
  async revive(panel: vscode.WebviewPanel, saved: unknown): Promise<void> {
    if (this.panel) {
      panel.dispose(); // one trend panel: an open one wins over a restored one
      return;
    }
    const restored = parseSavedTrend(saved);
    this.panel = panel;
    this.adopt(panel);
    if (!restored) return;
    this.deps.log.info(`Restoring the memory trend of ${restored.title} (${restored.range})`);
    // the pods' API facts come back with the next selection in the tree; Prometheus has the rest
    this.target = { title: restored.title, context: restored.context, scope: restored.scope, pods: [] };
    this.range = restored.range;
    await this.load();
  }

  /** The figures on screen, for tests and for the report. */
  get current(): { target: TrendTarget | undefined; range: RangeId; status: TrendStatus } { return { target: this.target, range: this.range, status: this.status }; }

  /** Seconds between two automatic loads while the panel is on screen; 0 when off. */
  get refreshSeconds(): number {
    const seconds = this.refreshSetting.value;
    return Number.isFinite(seconds) && seconds > 0 ? Math.max(MIN_REFRESH_SECONDS, seconds) : 0;
  }

  async load(): Promise<void> {
    const target = this.target;
    if (!target || (target.scope.kind === 'pods' && target.scope.names.length === 0)) return; // a report from a file: no pods to chart
    this.loading?.abort();
    const controller = (this.loading = new AbortController());
    this.setStatus({ kind: 'loading' });
    try {
      const client = await this.deps.connections.clientFor(() => this.deps.access(target.context));
      const window = windowEndingAt(Date.now() / 1000, rangeChoice(this.range));
      const labels = this.deps.connections.labels(target.context);
      const scope = Object.keys(labels).length > 0 ? { ...target.scope, labels } : target.scope;
      const raw = await fetchMemoryTrend(client, { scope, ...window, metrics: this.deps.connections.metrics(), compare: this.deps.connections.compare(), signal: controller.signal });
      if (controller.signal.aborted) return;
      const pods = currentPods(target, this.deps.listedPods?.() ?? []);
      // kept, so the facts survive the tree hiding or moving to another namespace
      if (this.target === target) this.target = { ...target, pods };
      const trend = withPodFacts(raw, pods);
      const t = this.deps.thresholds();
      const rows = summarizeTrend(trend, { warningPercent: t.warning, criticalPercent: t.critical });
      this.deps.log.info(`Trend ${target.title} (${this.range}): ${trend.workingSet.length} series from ${client.where}`);
      this.waitingForUser = false;
      this.setStatus({ kind: 'ready', trend, rows, loadedAt: Date.now() });
    } catch (err) {
      if (controller.signal.aborted) return; // replaced by a newer load
      const message = err instanceof Error ? err.message : String(err);
      this.deps.log.warn(`Trend ${target.title} failed: ${err instanceof Error && err.stack ? err.stack : message}`);
      // PrometheusError and the cluster layer's ClusterError both carry a hint
      const hint = (err as { hint?: unknown } | undefined)?.hint;
      this.waitingForUser = !passesOnItsOwn(err);
      const hints = [typeof hint === 'string' ? hint : '', this.waitingForUser ? 'Refresh to try again.' : ''].filter(Boolean);
      this.setStatus({ kind: 'error', message, hint: hints.length > 0 ? hints.join(' ') : undefined });
    } finally {
      if (this.loading === controller) {
        this.loading = undefined;
        this.lastLoadAt = Date.now();
        this.schedule();
      }
    }
  }

  // One timer, armed after each load ends and only while the panel is on screen: a hidden tab
  // costs no queries, and one shown again after its interval has passed loads at once. After a
  // failure the user must fix (nothing found, no pick, 403, a bad setting) it stays off: asking
  // again every minute would only run discovery, or reopen the pick, for nothing.
  private schedule(): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = undefined;
    const seconds = this.refreshSeconds;
    if (!this.panel?.visible || !this.target || seconds === 0 || this.loading || this.waitingForUser) return;
    const due = Math.max(0, this.lastLoadAt + seconds * 1000 - Date.now());
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      if (this.panel?.visible) void this.load();
    }, due);
  }

  private postSettings(): void { this.post({ type: 'settings', warningPercent: this.deps.thresholds().warning, refreshSeconds: this.refreshSeconds }); }

  private rejudge(): void {
    const t = this.deps.thresholds();
    this.postSettings();
    if (this.status.kind !== 'ready') return;
    const rows = summarizeTrend(this.status.trend, { warningPercent: t.warning, criticalPercent: t.critical });
    this.setStatus({ ...this.status, rows });
  }

  private setStatus(status: TrendStatus): void {
    this.status = status;
    const target = this.target;
    if (!target) return;
    this.post({ type: 'status', title: target.title, range: this.range, status });
    if (status.kind === 'loading') this.post({ type: 'persist', state: { title: target.title, context: target.context, scope: target.scope, range: this.range } });
  }

  private state(): TrendViewState {
    return {
      title: this.target?.title ?? 'Memory trend',
      range: this.range,
      ranges: RANGES.map((r) => ({ id: r.id, label: r.label })),
      warningPercent: this.deps.thresholds().warning,
      refreshSeconds: this.refreshSeconds,
      status: this.status,
      allocations: this.allocations.current,
      pool: this.pool.current,
      resolveAllowed: resolveAllowed(),
    };
  }

  private post(message: ToWebview): void {
    void this.panel?.webview.postMessage(message);
  }

  private onMessage(message: FromWebview): void {
    switch (message.type) {
      case 'ready':
        this.post({ type: 'hydrate', state: this.state() });
        return;
      case 'setRange':
        if (!RANGES.some((r) => r.id === message.range)) return; // only the ranges we offer
        this.range = message.range;
        void this.load();
        return;
      case 'refresh':
        this.deps.connections.askAgain(); // a dismissed pick of a Prometheus service is offered again
        void this.load();
        return;
      case 'showLog': void vscode.commands.executeCommand('memoryTriage.showLog'); return;
      case 'checkDb': this.pool.onMessage(message); return;
      case 'chartImage': this.images.onAnswer(message); return;
      case 'resolve': void this.resolution.run(message.action); return;
      default: // openSite, mapPath, saveReport, findLeaks, openHeapFile
        this.allocations.onMessage(message);
    }
  }

  private create(preserveFocus: boolean, viewColumn = vscode.ViewColumn.Active): vscode.WebviewPanel {
    const panel = vscode.window.createWebviewPanel(TREND_VIEW_TYPE, 'Memory Trend', { viewColumn, preserveFocus }, { enableScripts: true, retainContextWhenHidden: false });
    this.adopt(panel);
    return panel;
  }

  /** Sets the page, its options and the handlers on a new or a restored panel. */
  private adopt(panel: vscode.WebviewPanel): void {
    adoptTrendWebview(panel, this.deps.extensionUri, {
      message: (m) => this.onMessage(m),
      viewState: () => this.schedule(),
      disposed: () => {
        clearTimeout(this.refreshTimer);
        this.refreshTimer = undefined;
        this.loading?.abort();
        this.panel = undefined;
      },
    });
  }
}
