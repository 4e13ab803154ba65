import * as vscode from 'vscode';
import { POD_VIEW_ID } from './viewIds.ts';

// The Pods view as the light entry creates it at activation: a tree view whose provider hands
// every call to the pod tree once that is loaded, and loads it on the first call (VS Code asks for
// children only when the view shows). Imports nothing but vscode, so the entry stays small.

export class PodViewHost implements vscode.TreeDataProvider<unknown>, vscode.Disposable {
  readonly view: vscode.TreeView<unknown>;
  private target: vscode.TreeDataProvider<unknown> | undefined;
  private readonly changes = new vscode.EventEmitter<unknown>();
  readonly onDidChangeTreeData = this.changes.event;
  private forwarding: vscode.Disposable | undefined;
  private readonly load: () => void;

  /** `load`: builds the pod tree, which calls use() with its provider. */
  constructor(load: () => void) {
    this.load = load;
    this.view = vscode.window.createTreeView(POD_VIEW_ID, { treeDataProvider: this, showCollapseAll: true });
  }

  /** From now on every call goes to `provider`, and its changes redraw the view. */
  use(provider: vscode.TreeDataProvider<unknown>): void {
    this.forwarding?.dispose();
    this.target = provider;
    this.forwarding = provider.onDidChangeTreeData?.((e) => this.changes.fire(e));
  }

  private provider(): vscode.TreeDataProvider<unknown> | undefined {
    if (!this.target) this.load();
    return this.target;
  }

  getChildren(element?: unknown): vscode.ProviderResult<unknown[]> {
    return this.provider()?.getChildren(element) ?? [];
  }

  getTreeItem(element: unknown): vscode.TreeItem | Thenable<vscode.TreeItem> {
    return this.provider()!.getTreeItem(element);
  }

  getParent(element: unknown): vscode.ProviderResult<unknown> {
    return this.provider()?.getParent?.(element);
  }

  resolveTreeItem(item: vscode.TreeItem, element: unknown, token: vscode.CancellationToken): vscode.ProviderResult<vscode.TreeItem> {
    const p = this.provider();
    return p?.resolveTreeItem ? p.resolveTreeItem(item, element, token) : item;
  }

  dispose(): void {
    this.forwarding?.dispose();
    this.changes.dispose();
    this.view.dispose();
  }
}
