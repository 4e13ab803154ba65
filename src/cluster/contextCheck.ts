// Before any change: is the kubeconfig on disk still pointed where the tree is? A `kubectl config
// use-context` in a terminal, or a kubeconfig rewritten by a cloud CLI, must not leave the tree
// showing one cluster while the engineer's other tools act on another. Re-read from disk each time.
import { ClusterError } from './clusterError.ts';
import { loadKubeConfig } from './kubeconfig.ts';
import type { ClusterSession } from './session.ts';

/** Why the change is refused, or undefined when the kubeconfig agrees with the session. */
export function contextMismatch(session: ClusterSession, kubeconfigPath?: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  let current: string;
  let server: string | undefined;
  try {
    const { kubeConfig } = loadKubeConfig(kubeconfigPath, env);
    current = kubeConfig.getCurrentContext();
    const ctx = kubeConfig.getContextObject(session.contextName);
    server = ctx ? kubeConfig.getCluster(ctx.cluster)?.server : undefined;
  } catch (err) {
    return `The kubeconfig cannot be read again (${err instanceof ClusterError ? err.message : String(err)}), so the context cannot be confirmed.`;
  }
  if (current !== session.contextName) {
    return `The kubeconfig's current context is "${current || '(none)'}" but the tree shows "${session.contextName}". ` +
      `Switch one to match (kubectl config use-context ${session.contextName}, or Memory Triage: Select Cluster Context), then try again.`;
  }
  if (server !== session.server) {
    return `Context "${session.contextName}" now points at ${server ?? 'no cluster'}, not at ${session.server} which the tree shows. Refresh the tree, then try again.`;
  }
  return undefined;
}
