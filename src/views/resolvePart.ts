import * as vscode from 'vscode';
import { ConfigValue, Keys } from '../config.ts';
import { Disposable } from '../disposable.ts';
import type { PodMemory } from '../triage/model.ts';
import type { ResolveAction, ToWebview } from '../webview/protocol.ts';

// The resolution buttons of the trend panel (issue 11): Restart (A), Raise Limit (B), Scale Out
// (D) run the tree's commands on the panel's pod, so the guarded path (refusals, dry run, diff,
// modal) is the one the context menu takes. The page only asks; the host checks the action.

const COMMANDS: Readonly<Record<ResolveAction, string>> = {
  restart: 'memoryTriage.restartWorkload',
  raiseLimit: 'memoryTriage.raiseMemoryLimit',
  scaleOut: 'memoryTriage.scaleOut',
};

/** What the panel shows: its context and its pods (a workload's pods, first one first). */
export interface ResolveTarget {
  readonly context: string;
  readonly pods: readonly PodMemory[];
}

/** As the menus' `when` clause: the buttons are shown only when a change may be made here. */
export function resolveAllowed(): boolean {
  return vscode.workspace.isTrusted && !ConfigValue.read(Keys.readOnly, false);
}

export class ResolvePart extends Disposable {
  private readonly target: () => ResolveTarget | undefined;
  /** The context the tree's cluster session is on (the commands act through it). */
  private readonly treeContext: () => string | undefined;

  constructor(post: (message: ToWebview) => void, target: () => ResolveTarget | undefined, treeContext: () => string | undefined) {
    super();
    this.target = target;
    this.treeContext = treeContext;
    const tell = () => post({ type: 'resolveAllowed', allowed: resolveAllowed() });
    this.register(vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('memoryTriage.readOnly') && tell()));
    this.register(vscode.workspace.onDidGrantWorkspaceTrust(tell));
  }

  /** Runs the command the page asked for on the panel's pod; returns what the command returned. */
  async run(action: unknown): Promise<unknown> {
    if (typeof action !== 'string' || !Object.hasOwn(COMMANDS, action)) return undefined; // only the three actions offered
    const target = this.target();
    const pod = target?.pods[0];
    if (!target || !pod) {
      void vscode.window.showInformationMessage('Memory Triage: the trend panel shows no pod of the tree yet: choose the pod in the Memory Triage view first.');
      return undefined;
    }
    const tree = this.treeContext();
    if (target.context && tree !== undefined && target.context !== tree) {
      void vscode.window.showErrorMessage(`Memory Triage: the panel shows context "${target.context}" but the tree is on "${tree}": open that context in the tree to act on this pod. Nothing was changed.`);
      return undefined;
    }
    return vscode.commands.executeCommand(COMMANDS[action as ResolveAction], pod);
  }
}
