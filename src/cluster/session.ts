import type { KubeConfig } from '@kubernetes/client-node';
import { getJson } from './apiRequest.ts';
import { classify, ClusterError } from './clusterError.ts';
import { contextNamespace, loadKubeConfig } from './kubeconfig.ts';
import { PooledKubeConfig } from './pooledKubeConfig.ts';

/** What the user chose to look at; persisted per workspace by the view layer. */
export interface Scope {
  /** Empty: the kubeconfig's current context. */
  readonly context: string;
  /** Empty: the context's namespace; `*`: all namespaces. */
  readonly namespace: string;
  readonly labelSelector: string;
}

export const ALL_NAMESPACES = '*';

// One cluster connection for one scope: the KubeConfig is a private copy whose current context
// is the chosen one, so a session never changes under another session's feet (STYLE 12: one
// KubeConfig per context). Other features (the trend webview, exec) take this object as is.
export class ClusterSession {
  readonly kubeConfig: KubeConfig;
  readonly contextName: string;
  /** undefined: all namespaces. */
  readonly namespace: string | undefined;
  readonly labelSelector: string;
  readonly server: string;
  readonly files: readonly string[];

  constructor(kubeConfig: KubeConfig, contextName: string, namespace: string | undefined, labelSelector: string, files: readonly string[]) {
    this.kubeConfig = kubeConfig;
    this.contextName = contextName;
    this.namespace = namespace;
    this.labelSelector = labelSelector;
    this.server = kubeConfig.getCurrentCluster()?.server ?? '';
    this.files = files;
  }

  /** "kind-dev / default / app=api", shown as the view's description. */
  describe(): string {
    return [this.contextName, this.namespace ?? 'all namespaces', this.labelSelector || 'all pods'].join(' / ');
  }
}

/** Contexts of the kubeconfig with their cluster and namespace, for the picker. */
export function listContexts(kubeconfigPath?: string): { current: string; contexts: { name: string; cluster: string; namespace: string }[] } {
  const { kubeConfig } = loadKubeConfig(kubeconfigPath);
  return {
    current: kubeConfig.getCurrentContext(),
    contexts: kubeConfig.getContexts().map((c) => ({ name: c.name, cluster: c.cluster, namespace: c.namespace || 'default' })),
  };
}

/** The kubeconfig as read for a scope: the merged files and the context chosen in them. */
export interface ResolvedScope {
  readonly merged: KubeConfig;
  readonly files: readonly string[];
  readonly contextName: string;
}

// Throws ClusterError (no kubeconfig, unknown context) so the view can show it as a message item.
export function resolveScope(scope: Scope, kubeconfigPath?: string, env: NodeJS.ProcessEnv = process.env): ResolvedScope {
  const { kubeConfig: merged, files } = loadKubeConfig(kubeconfigPath, env);
  const contextName = scope.context || merged.getCurrentContext();
  if (!contextName) {
    throw new ClusterError('no-context', 'The kubeconfig has no current context.', 'Pick one with Memory Triage: Select Cluster Context.');
  }
  const ctx = merged.getContextObject(contextName);
  if (!ctx) {
    throw new ClusterError('no-context', `Context "${contextName}" is not in the kubeconfig (${files.join(', ')}).`, 'Pick one with Memory Triage: Select Cluster Context.');
  }
  if (!merged.getCluster(ctx.cluster)) {
    throw new ClusterError('bad-kubeconfig', `Context "${contextName}" names cluster "${ctx.cluster}", which the kubeconfig does not define.`, 'Fix the kubeconfig (kubectl config view).');
  }
  return { merged, files, contextName };
}

/** A private KubeConfig on the resolved context, with its own connection pool and token cache. */
export function contextKubeConfig(resolved: ResolvedScope): PooledKubeConfig {
  const { merged, contextName } = resolved;
  const own = new PooledKubeConfig();
  own.loadFromOptions({ clusters: merged.getClusters(), users: merged.getUsers(), contexts: merged.getContexts(), currentContext: contextName });
  return own;
}

/** The session for a scope on a KubeConfig already made for its context. */
export function sessionOn(kubeConfig: KubeConfig, resolved: ResolvedScope, scope: Scope): ClusterSession {
  const namespace = scope.namespace === ALL_NAMESPACES ? undefined : scope.namespace || contextNamespace(resolved.merged, resolved.contextName);
  return new ClusterSession(kubeConfig, resolved.contextName, namespace, scope.labelSelector, resolved.files);
}

/** A session with a KubeConfig of its own (the SessionStore shares them between refreshes). */
export function openSession(scope: Scope, kubeconfigPath?: string, env: NodeJS.ProcessEnv = process.env): ClusterSession {
  const resolved = resolveScope(scope, kubeconfigPath, env);
  return sessionOn(contextKubeConfig(resolved), resolved, scope);
}

// Equality and set-based requirements, as `kubectl -l` takes them: app=api,tier!=db,env in (a,b),!canary
const REQUIREMENT = /^\s*!?[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?\s*((==?|!=)\s*[A-Za-z0-9]?([-A-Za-z0-9_.]*[A-Za-z0-9])?|\s+(in|notin)\s*\([^()]*\))?\s*$/;

/** An error message for a malformed selector, undefined when it is fine (or empty). */
export function validateSelector(value: string): string | undefined {
  if (value.trim() === '') return undefined;
  // split on commas outside parentheses
  const parts = value.split(/,(?![^(]*\))/);
  const bad = parts.find((p) => !REQUIREMENT.test(p));
  return bad === undefined ? undefined : `Not a label selector requirement: "${bad.trim()}" (e.g. app=api,tier!=db)`;
}

/** Namespace names for the picker; throws a ClusterError (a 403 is common for namespaced users). */
export async function listNamespaces(session: ClusterSession): Promise<string[]> {
  try {
    const list = await getJson<{ items?: { metadata?: { name?: string } }[] }>(session.kubeConfig, '/api/v1/namespaces', {}, { timeoutMs: 10_000 });
    return (list.items ?? []).map((n) => n.metadata?.name ?? '').filter((n) => n !== '').sort();
  } catch (err) {
    throw classify(err, { verb: 'list', resource: 'namespaces', server: session.server });
  }
}
