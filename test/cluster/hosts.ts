// Services by name inside pods: no cluster DNS runs here, so each pod's /etc/hosts (one file the
// runtime bind-mounts into all its containers, as the kubelet manages /etc/hosts) lists every
// Service with a ready endpoint under its DNS names, and the pods of headless Services under
// theirs (postgres-0.postgres.default.svc.cluster.local). A ClusterIP Service resolves to its first
// ready endpoint, since nothing routes ClusterIPs here (no kube-proxy).
import type { K8sObject, Store } from './store.ts';

const domain = 'cluster.local';

function ready(pod: K8sObject): boolean {
  return !pod.metadata.deletionTimestamp && (pod.status?.conditions ?? []).some((c: K8sObject) => c.type === 'Ready' && c.status === 'True');
}

function matches(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

/** The /etc/hosts text of one pod, from the store's Services and pods as they are now. */
export function hostsFor(store: Store, pod: K8sObject, podIP: string): string {
  const ns = pod.metadata.namespace;
  const name = pod.metadata.name;
  const lines = ['# Kubernetes-managed hosts file (kube-memory-triage emulator).', '127.0.0.1\tlocalhost', '::1\tlocalhost ip6-localhost ip6-loopback'];
  const own = pod.spec?.hostname && pod.spec?.subdomain
    ? `${podIP}\t${pod.spec.hostname}.${pod.spec.subdomain}.${ns}.svc.${domain}\t${pod.spec.hostname}`
    : `${podIP}\t${name}`;
  lines.push(own);
  const pods = store.listRaw('pods').filter((p) => p.status?.podIP);
  for (const svc of store.listRaw('services')) {
    const sns = svc.metadata.namespace;
    const sname = svc.metadata.name;
    const endpoints = pods.filter((p) => p.metadata.namespace === sns && ready(p) && matches(svc.spec?.selector, p.metadata.labels));
    if (endpoints.length === 0) continue;
    const names = [`${sname}.${sns}.svc.${domain}`, `${sname}.${sns}.svc`, `${sname}.${sns}`, ...(sns === ns ? [sname] : [])];
    const headless = svc.spec?.clusterIP === 'None';
    for (const ep of headless ? endpoints : endpoints.slice(0, 1)) lines.push(`${ep.status.podIP}\t${names.join(' ')}`);
    if (!headless) continue;
    for (const ep of endpoints) {
      if (ep.spec?.subdomain !== sname || !ep.spec?.hostname || ep.metadata.name === name) continue;
      lines.push(`${ep.status.podIP}\t${ep.spec.hostname}.${sname}.${sns}.svc.${domain}`);
    }
  }
  return lines.join('\n') + '\n';
}
