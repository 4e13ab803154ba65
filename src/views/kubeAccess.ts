import { ConfigValue, Keys } from '../config.ts';
import type { PodTree } from './podTree.ts';
import type { KubeAccess } from './prometheusConnection.ts';

/**
 * The cluster connection for a context: the pod tree's session when it is that context (or no
 * context is named), else the store's session for it (one per context while the kubeconfig is unchanged). Throws ClusterError
 * (no kubeconfig, unknown context), which the trend panel shows as its message.
 */
export function kubeAccess(pods: PodTree, context: string): KubeAccess {
  const session = pods.session;
  if (session && (!context || session.contextName === context)) return session;
  const kubeconfig = ConfigValue.read(Keys.kubeconfig, '').trim();
  return pods.sessions.open({ context, namespace: '', labelSelector: '' }, kubeconfig || undefined);
}
