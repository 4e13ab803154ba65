import * as vscode from 'vscode';
import type { ClusterError } from '../cluster/clusterError.ts';
import type { PodSnapshot } from '../cluster/podMonitor.ts';
import type { PodMemory, PoolReport } from '../triage/model.ts';
import { groupByWorkload, isHot, type Thresholds } from '../triage/pressure.ts';
import { clockTime, staleNote } from '../triage/metricsAge.ts';
import { ContainerItem, DbItem, MessageItem, PodItem, podTooltip, WorkloadItem, type PodTreeNode } from './podTreeItems.ts';

/** The tooltip's part read from the API server (events, the node), or undefined without a session. */
export type PodDetailsReader = (pod: PodMemory, signal: AbortSignal) => Promise<string> | undefined;

// Above this many pods the workload groups start collapsed, so the first paint stays small.
const EXPAND_LIMIT = 200;

const refreshCommand: vscode.Command = { command: 'memoryTriage.refresh', title: 'Refresh' };

export function messageFor(error: ClusterError, key = 'error'): MessageItem {
  const item = (label: string, icon: 'error' | 'warning', command?: vscode.Command) => new MessageItem(label, error.hint, icon, command, key);
  switch (error.kind) {
    case 'no-kubeconfig':
    case 'bad-kubeconfig':
    case 'no-context':
      return item(error.message, 'error', { command: 'memoryTriage.selectContext', title: 'Select Context' });
    case 'namespace-missing':
      return item(error.message, 'error', { command: 'memoryTriage.selectNamespace', title: 'Select Namespace' });
    case 'metrics-unavailable':
      return item(`No metrics: ${error.message}`, 'warning');
    default:
      return item(error.message, 'error', refreshCommand);
  }
}

// Builds the items from a snapshot once, so getChildren and getParent are map lookups.
export class PodTreeProvider implements vscode.TreeDataProvider<PodTreeNode> {
  private readonly changeEmitter = new vscode.EventEmitter<PodTreeNode | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;

  private roots: PodTreeNode[] = [];
  private readonly children = new Map<PodTreeNode, PodTreeNode[]>();
  private readonly parents = new Map<PodTreeNode, PodTreeNode>();
  private readonly podItems = new Map<string, PodItem>();
  private readonly pools: (uid: string) => PoolReport | undefined;
  private readonly details: PodDetailsReader;
  /** The view title's filter: only pods at or above the warning threshold, or OOM-killed. */
  hotOnly = false;

  /** `pools`: step 4's latest result for a pod (by uid), drawn as a row under it; `details`: the tooltip's events and node, read on hover. */
  constructor(pools: (uid: string) => PoolReport | undefined = () => undefined, details: PodDetailsReader = () => undefined) {
    this.pools = pools;
    this.details = details;
  }

  /** Shown instead of pods when no session could be opened (no kubeconfig, ...). */
  showError(error: ClusterError | undefined): void {
    this.reset();
    if (error) this.roots = [messageFor(error)];
    this.changeEmitter.fire(undefined);
  }

  /** `selectors`: found on the namespace's pods, offered when the scope's selector matches none. */
  show(snapshot: PodSnapshot, t: Thresholds, now = new Date(), selectors: readonly string[] = []): void {
    this.reset();
    const roots: PodTreeNode[] = [];
    if (snapshot.podsError) roots.push(messageFor(snapshot.podsError, 'pods'));
    // A 401 or an outage fails both; one line says it.
    if (snapshot.metricsError && snapshot.pods.length > 0 && snapshot.metricsError.kind !== snapshot.podsError?.kind) {
      // the gauges keep the last figures read: the row says from when
      const e = snapshot.metricsError;
      roots.push(snapshot.metricsAt === undefined ? messageFor(e, 'metrics') : new MessageItem(`Usage as of ${clockTime(snapshot.metricsAt)}; metrics.k8s.io: ${e.message}`, e.hint, 'warning', refreshCommand, 'metrics'));
    }
    if (!snapshot.listed && !snapshot.podsError && snapshot.pods.length === 0) {
      roots.push(new MessageItem('Loading pods…', snapshot.session.describe(), 'info'));
    } else if (snapshot.listed && snapshot.pods.length === 0 && !snapshot.podsError) {
      roots.push(new MessageItem('No pods match', `${snapshot.session.describe()} — change the namespace or label selector`, 'info', { command: 'memoryTriage.setLabelSelector', title: 'Set Label Selector' }));
      for (const selector of selectors) {
        roots.push(new MessageItem(`Use ${selector}`, 'a label on pods of this namespace', 'info', { command: 'memoryTriage.setLabelSelector', title: 'Set Label Selector', arguments: [selector] }, `selector:${selector}`));
      }
    }
    const expand = snapshot.pods.length <= EXPAND_LIMIT;
    // Across namespaces, a top-level row says which one it lives in.
    const withNamespace = (item: PodItem | WorkloadItem, ns: string) => {
      if (snapshot.session.namespace === undefined) item.description = `${ns} · ${item.description}`;
      return item;
    };
    const shown = this.hotOnly ? snapshot.pods.filter((p) => isHot(p, t)) : snapshot.pods;
    if (this.hotOnly && snapshot.pods.length > 0 && shown.length === 0) {
      roots.push(new MessageItem(`No pod at or above ${t.warning}% or OOM-killed`, `${snapshot.pods.length} pod(s) hidden by the filter`, 'info', { command: 'memoryTriage.showAllPods', title: 'Show All Pods' }, 'filter'));
    }
    for (const group of groupByWorkload(shown)) {
      const podItems = group.pods.map((p) => this.podItem(p, snapshot, t, now));
      if (group.workload.kind === 'Pod') {
        roots.push(...podItems.map((item) => withNamespace(item, item.pod.ref.namespace)));
        continue;
      }
      const groupItem = withNamespace(new WorkloadItem(group.workload, group.pods, t, expand), group.workload.namespace);
      this.children.set(groupItem, podItems);
      for (const item of podItems) this.parents.set(item, groupItem);
      roots.push(groupItem);
    }
    this.roots = roots;
    this.changeEmitter.fire(undefined);
  }

  private podItem(pod: PodSnapshot['pods'][number], snapshot: PodSnapshot, t: Thresholds, now: Date): PodItem {
    const item = new PodItem(pod, t, now, snapshot.oomCounts.get(pod.uid) ?? 0);
    const stale = staleNote(snapshot, now.getTime());
    if (stale && pod.metricsAt) item.description = `${item.description} · ${stale}`;
    const report = this.pools(pod.uid);
    const children: PodTreeNode[] = pod.containers.map((c) => new ContainerItem(pod, c, t, now));
    if (report) children.push(new DbItem(pod, report));
    this.children.set(item, children);
    for (const c of children) this.parents.set(c, item);
    this.podItems.set(pod.uid, item);
    return item;
  }

  private reset(): void {
    this.roots = [];
    this.children.clear();
    this.parents.clear();
    this.podItems.clear();
  }

  itemFor(uid: string): PodItem | undefined {
    return this.podItems.get(uid);
  }

  getTreeItem(element: PodTreeNode): vscode.TreeItem {
    return element;
  }

  async resolveTreeItem(item: vscode.TreeItem, element: PodTreeNode, token?: vscode.CancellationToken): Promise<vscode.TreeItem> {
    if (!(element instanceof PodItem) || item.tooltip) return item;
    const aborts = new AbortController();
    const cancel = token?.onCancellationRequested(() => aborts.abort());
    try {
      const extra = await this.details(element.pod, aborts.signal)?.catch((err: Error) => `_events and node not read: ${err.message}_`);
      if (token?.isCancellationRequested) return item; // the hover left: the next one reads again
      item.tooltip = podTooltip(element.pod, new Date(), extra);
      return item;
    } finally {
      cancel?.dispose();
    }
  }

  getChildren(element?: PodTreeNode): PodTreeNode[] {
    return element ? (this.children.get(element) ?? []) : this.roots;
  }

  getParent(element: PodTreeNode): PodTreeNode | undefined {
    return this.parents.get(element);
  }

  dispose(): void {
    this.changeEmitter.dispose();
  }
}
