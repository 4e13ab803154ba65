import * as vscode from 'vscode';
import type { ClusterSession } from '../cluster/session.ts';
import { Disposable } from '../disposable.ts';
import type { PodMemory } from '../triage/model.ts';

// The pod tree's public face for the other features (the trend webview follows the selection,
// commands read the session). The tree itself is filled in by podTreeProvider.ts.
export class PodTree extends Disposable {
  private readonly selectEmitter = this.register(new vscode.EventEmitter<PodMemory>());
  private readonly sessionEmitter = this.register(new vscode.EventEmitter<ClusterSession | undefined>());
  private currentSession: ClusterSession | undefined;

  /** Fires when the user selects a pod (or a container of it) in the tree. */
  readonly onDidSelectPod: vscode.Event<PodMemory> = this.selectEmitter.event;
  /** Fires when the context, namespace or label selector changes. */
  readonly onDidChangeSession: vscode.Event<ClusterSession | undefined> = this.sessionEmitter.event;

  /** The cluster connection of the current scope; undefined until the view has opened one. */
  get session(): ClusterSession | undefined {
    return this.currentSession;
  }

  protected setSession(session: ClusterSession | undefined): void {
    this.currentSession = session;
    this.sessionEmitter.fire(session);
  }

  protected selectPod(pod: PodMemory): void {
    this.selectEmitter.fire(pod);
  }
}
