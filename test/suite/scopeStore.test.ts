// The scope kept per workspace: settings are the defaults, a pick overrides them in
// workspaceState, and picking another context forgets the namespace picked for the last one.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { suite, test } from 'mocha';
import type { Scope } from '../../src/cluster/session.ts';
import { ScopeStore } from '../../src/views/scopeStore.ts';

// workspaceState's shape, in memory (VS Code gives each extension one; a test wants its own).
function memento(): vscode.Memento {
  const values = new Map<string, unknown>();
  return {
    keys: () => [...values.keys()],
    get: <T>(key: string, fallback?: T) => (values.has(key) ? (values.get(key) as T) : fallback),
    update: async (key: string, value: unknown) => void (value === undefined ? values.delete(key) : values.set(key, value)),
  } as vscode.Memento;
}

suite('scope per workspace', () => {
  test('settings first, then picks; a new context forgets the namespace', async () => {
    const state = memento();
    const store = new ScopeStore(state);
    try {
      const defaults = vscode.workspace.getConfiguration('memoryTriage');
      assert.deepEqual(store.scope, { context: defaults.get('context'), namespace: defaults.get('namespace'), labelSelector: defaults.get('labelSelector') });
      const seen: Scope[] = [];
      store.onDidChange((s) => seen.push(s));
      await store.pick({ context: 'prod-eu', namespace: 'payments' });
      await store.pick({ labelSelector: 'app=api,tier!=db' });
      assert.deepEqual(store.scope, { context: 'prod-eu', namespace: 'payments', labelSelector: 'app=api,tier!=db' });
      await store.pick({ context: 'staging' });
      assert.equal(store.scope.context, 'staging');
      assert.equal(store.scope.namespace, defaults.get('namespace'), 'back to the default namespace');
      assert.equal(store.scope.labelSelector, 'app=api,tier!=db', 'the selector is kept');
      assert.equal(seen.length, 3);
      // a second store on the same state (the next window on this workspace) sees the picks
      const again = new ScopeStore(state);
      assert.deepEqual(again.scope, store.scope);
      again.dispose();
    } finally {
      store.dispose();
    }
  });
});
