// One session per context while its kubeconfig is unchanged. client-node caches an exec or OIDC
// plugin's token per KubeConfig object, and the connection pool lives on it too, so opening a
// fresh one on every Refresh ran `aws eks get-token` (or a browser login) again and opened new
// TLS connections. The tree's Refresh and the trend's sessions for other contexts ask here.
import { createHash } from 'node:crypto';
import type { PooledKubeConfig } from './pooledKubeConfig.ts';
import { contextKubeConfig, resolveScope, sessionOn, type ClusterSession, type ResolvedScope, type Scope } from './session.ts';

interface Entry {
  readonly fingerprint: string;
  readonly kubeConfig: PooledKubeConfig;
  readonly sessions: Map<string, ClusterSession>;
}

// What a context's requests depend on: its context, cluster and user entries as read from the
// files. An edit elsewhere in the kubeconfig (another context) keeps this context's session.
function fingerprint(resolved: ResolvedScope): string {
  const ctx = resolved.merged.getContextObject(resolved.contextName)!;
  const parts = [resolved.files, ctx, resolved.merged.getCluster(ctx.cluster), resolved.merged.getUser(ctx.user)];
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

export class SessionStore {
  private readonly entries = new Map<string, Entry>();
  /** KubeConfigs made (a new one each time a context is first used or its kubeconfig changed). */
  kubeConfigsMade = 0;

  /**
   * The session for a scope: the same object while the context's kubeconfig entries are
   * unchanged, else a new one on a new KubeConfig (the old one's connections close once their
   * requests end). Reads the kubeconfig files each time; throws ClusterError as openSession.
   */
  open(scope: Scope, kubeconfigPath?: string, env: NodeJS.ProcessEnv = process.env): ClusterSession {
    const resolved = resolveScope(scope, kubeconfigPath, env);
    const key = JSON.stringify([kubeconfigPath ?? '', resolved.contextName]);
    const print = fingerprint(resolved);
    let entry = this.entries.get(key);
    if (!entry || entry.fingerprint !== print) {
      if (entry) void entry.kubeConfig.close();
      entry = { fingerprint: print, kubeConfig: contextKubeConfig(resolved), sessions: new Map() };
      this.entries.set(key, entry);
      this.kubeConfigsMade++;
    }
    const sessionKey = JSON.stringify([scope.namespace, scope.labelSelector]);
    let session = entry.sessions.get(sessionKey);
    if (!session) {
      session = sessionOn(entry.kubeConfig, resolved, scope);
      entry.sessions.set(sessionKey, session);
    }
    return session;
  }

  dispose(): void {
    for (const entry of this.entries.values()) void entry.kubeConfig.dispose();
    this.entries.clear();
  }
}
