import * as vscode from 'vscode';
import type { PodSnapshot } from '../cluster/podMonitor.ts';
import { Disposable } from '../disposable.ts';
import { statusBarText } from '../triage/describe.ts';
import { byPressure, podGauge } from '../triage/pressure.ts';
import { clockTime, staleNote } from '../triage/metricsAge.ts';
import type { PodTree } from './podTree.ts';
import { POD_VIEW_ID } from './viewIds.ts';

// The worst pod of the scope ("api-7d9f… 93% · OOM×2"), always in sight; a click focuses the view.
export class PodStatusBar extends Disposable {
  private readonly item = this.register(vscode.window.createStatusBarItem('memoryTriage.worstPod', vscode.StatusBarAlignment.Left, 50));
  private readonly tree: PodTree;
  private shown: PodSnapshot | undefined;
  // the age of the figures grows while nothing new comes (a hidden view polls nothing)
  private readonly ageTimer = setInterval(() => this.shown && this.update(this.shown), 30_000);

  constructor(tree: PodTree) {
    super();
    this.tree = tree;
    this.item.name = 'Memory Triage: worst pod';
    this.item.command = `${POD_VIEW_ID}.focus`;
    this.register(tree.onDidChangeSnapshot((s) => this.update(s)));
    this.register(tree.onDidChangeSession((s) => {
      if (s !== undefined) return;
      this.shown = undefined;
      this.item.hide();
    }));
    this.register(tree.view.onDidChangeVisibility(() => this.shown && this.update(this.shown)));
    this.register({ dispose: () => clearInterval(this.ageTimer) });
  }

  private update(snapshot: PodSnapshot): void {
    this.shown = snapshot;
    const worst = [...snapshot.pods].sort((a, b) => byPressure(a, b) || (snapshot.oomCounts.get(b.uid) ?? 0) - (snapshot.oomCounts.get(a.uid) ?? 0))[0];
    if (!worst) {
      this.item.hide();
      return;
    }
    const { level } = podGauge(worst, this.tree.thresholds);
    const oom = snapshot.oomCounts.get(worst.uid) ?? 0;
    const stale = staleNote(snapshot, Date.now());
    this.item.text = `$(pulse) ${statusBarText(worst, oom)}${stale ? ` · ${stale}` : ''}`;
    const why = !stale || snapshot.metricsAt === undefined ? '' : this.tree.view.visible
      ? `\nUsage as of ${clockTime(snapshot.metricsAt)}: ${snapshot.metricsError?.message ?? 'no newer figures'}.`
      : `\nUsage as of ${clockTime(snapshot.metricsAt)}: the Pods view is hidden, so nothing is polled; open it to refresh.`;
    this.item.tooltip = `Memory Triage: ${worst.ref.namespace}/${worst.ref.name} is the pod under most memory pressure in ${snapshot.session.describe()}.${why}\nClick to show the pods.`;
    this.item.backgroundColor =
      level === 'critical' ? new vscode.ThemeColor('statusBarItem.errorBackground') : level === 'warning' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }
}
