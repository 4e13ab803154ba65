import * as vscode from 'vscode';
import { ALL_NAMESPACES, type Scope } from '../cluster/session.ts';
import { ConfigValue, Keys } from '../config.ts';
import { Disposable } from '../disposable.ts';

const STATE_KEY = 'memoryTriage.scope';

// The scope the user picked in this workspace (context, namespace, label selector), kept in
// workspaceState so each repository reopens on its own cluster; the settings are the defaults
// for whatever was never picked here.
export class ScopeStore extends Disposable {
  private readonly changeEmitter = this.register(new vscode.EventEmitter<Scope>());
  readonly onDidChange = this.changeEmitter.event;

  readonly kubeconfigPath = this.register(new ConfigValue<string>(Keys.kubeconfig, ''));
  private readonly contextSetting = this.register(new ConfigValue<string>(Keys.context, ''));
  private readonly namespaceSetting = this.register(new ConfigValue<string>(Keys.namespace, ''));
  private readonly selectorSetting = this.register(new ConfigValue<string>(Keys.labelSelector, ''));

  private readonly state: vscode.Memento;

  constructor(state: vscode.Memento) {
    super();
    this.state = state;
    for (const setting of [this.kubeconfigPath, this.contextSetting, this.namespaceSetting, this.selectorSetting]) {
      this.register(setting.onChange(() => this.changeEmitter.fire(this.scope)));
    }
  }

  get scope(): Scope {
    const picked = this.state.get<Partial<Scope>>(STATE_KEY, {});
    return {
      context: picked.context ?? this.contextSetting.value,
      namespace: picked.namespace ?? this.namespaceSetting.value,
      labelSelector: picked.labelSelector ?? this.selectorSetting.value,
    };
  }

  /** Changing the context forgets the namespace picked for the previous one. */
  async pick(change: Partial<Scope>): Promise<void> {
    const picked = { ...this.state.get<Partial<Scope>>(STATE_KEY, {}) };
    if (change.context !== undefined && change.context !== picked.context && change.namespace === undefined) delete picked.namespace;
    await this.state.update(STATE_KEY, { ...picked, ...change });
    this.changeEmitter.fire(this.scope);
  }

  static readonly allNamespaces = ALL_NAMESPACES;
}
