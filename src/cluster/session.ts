import { KubeConfig } from '@kubernetes/client-node';
import { getJson } from './apiRequest.ts';
import { classify, ClusterError } from './clusterError.ts';
import { contextNamespace, loadKubeConfig } from './kubeconfig.ts';

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

// Throws ClusterError (no kubeconfig, unknown context) so the view can show it as a message item.
export function openSession(scope: Scope, kubeconfigPath?: string, env: NodeJS.ProcessEnv = process.env): ClusterSession {
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
  const own = new KubeConfig();
  own.loadFromOptions({ clusters: merged.getClusters(), users: merged.getUsers(), contexts: merged.getContexts(), currentContext: contextName });
  const namespace = scope.namespace === ALL_NAMESPACES ? undefined : scope.namespace || contextNamespace(merged, contextName);
  return new ClusterSession(own, contextName, namespace, scope.labelSelector, files);
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
