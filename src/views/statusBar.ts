import * as vscode from 'vscode';
import type { PodSnapshot } from '../cluster/podMonitor.ts';
import { Disposable } from '../disposable.ts';
import { statusBarText } from '../triage/describe.ts';
import { byPressure, podGauge } from '../triage/pressure.ts';
import { POD_VIEW_ID, type PodTree } from './podTree.ts';

// The worst pod of the scope ("api-7d9f… 93% · OOM×2"), always in sight; a click focuses the view.
export class PodStatusBar extends Disposable {
  private readonly item = this.register(vscode.window.createStatusBarItem('memoryTriage.worstPod', vscode.StatusBarAlignment.Left, 50));
  private readonly tree: PodTree;

  constructor(tree: PodTree) {
    super();
    this.tree = tree;
    this.item.name = 'Memory Triage: worst pod';
    this.item.command = `${POD_VIEW_ID}.focus`;
    this.register(tree.onDidChangeSnapshot((s) => this.update(s)));
    this.register(tree.onDidChangeSession((s) => s === undefined && this.item.hide()));
  }

  private update(snapshot: PodSnapshot): void {
    const worst = [...snapshot.pods].sort((a, b) => byPressure(a, b) || (snapshot.oomCounts.get(b.uid) ?? 0) - (snapshot.oomCounts.get(a.uid) ?? 0))[0];
    if (!worst) {
      this.item.hide();
      return;
    }
    const { level } = podGauge(worst, this.tree.thresholds);
    const oom = snapshot.oomCounts.get(worst.uid) ?? 0;
    this.item.text = `$(pulse) ${statusBarText(worst, oom)}`;
    this.item.tooltip = `Memory Triage: ${worst.ref.namespace}/${worst.ref.name} is the pod under most memory pressure in ${snapshot.session.describe()}.\nClick to show the pods.`;
    this.item.backgroundColor =
      level === 'critical' ? new vscode.ThemeColor('statusBarItem.errorBackground') : level === 'warning' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }
}
