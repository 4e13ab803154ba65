import type { KubeConfig } from '@kubernetes/client-node';
import { getJson, HttpStatusError } from '../cluster/apiRequest.ts';
import type { ServiceRef } from './serviceProxyTransport.ts';

// Finding Prometheus in a cluster the way Lens and krr do: by the labels the common installs put
// on its Service, most specific first. A cluster often has several (an operator's plus a
// Thanos querier); the caller lets the user pick and remembers the pick per context.

export interface Candidate extends ServiceRef {
  /** Which install it looks like, for the quick-pick ("prometheus-operator"). */
  readonly kind: string;
  readonly selector: string;
}

export const SELECTORS: readonly { readonly kind: string; readonly selector: string }[] = [
  { kind: 'prometheus-operator', selector: 'operated-prometheus=true' },
  { kind: 'kube-prometheus-stack', selector: 'app=kube-prometheus-stack-prometheus' },
  { kind: 'Helm chart prometheus', selector: 'app.kubernetes.io/name=prometheus,app.kubernetes.io/component=server' },
  { kind: 'Helm chart prometheus (old labels)', selector: 'app=prometheus,component=server' },
  { kind: 'Rancher monitoring', selector: 'app=rancher-monitoring-prometheus' },
  { kind: 'prometheus', selector: 'app.kubernetes.io/name=prometheus' },
  { kind: 'prometheus', selector: 'app=prometheus' },
  { kind: 'Thanos query', selector: 'app.kubernetes.io/name=thanos-query' },
  { kind: 'Thanos query', selector: 'app.kubernetes.io/component=query,app.kubernetes.io/name=thanos' },
  { kind: 'VictoriaMetrics', selector: 'app.kubernetes.io/name=victoria-metrics-single' },
  { kind: 'VictoriaMetrics', selector: 'app.kubernetes.io/name=vmsingle' },
];

// Where installs usually live, for users who may not list services cluster-wide.
const COMMON_NAMESPACES = ['monitoring', 'prometheus', 'observability', 'kube-prometheus', 'cattle-monitoring-system', 'lens-metrics', 'default'];

interface ServiceList {
  items?: { metadata?: { name?: string; namespace?: string }; spec?: { ports?: { name?: string; port?: number; appProtocol?: string }[] } }[];
}

export function describeSelectors(): string {
  return SELECTORS.map((s) => s.selector).join(', ');
}

/** Prometheus-like services, deduplicated, in selector order. */
export async function discoverPrometheus(kc: KubeConfig, options: { signal?: AbortSignal; namespaces?: readonly string[] } = {}): Promise<Candidate[]> {
  const found = new Map<string, Candidate>();
  for (const { kind, selector } of SELECTORS) {
    for (const item of await listServices(kc, selector, options)) {
      const name = item.metadata?.name;
      const namespace = item.metadata?.namespace;
      const port = pickPort(item.spec?.ports ?? []);
      if (!name || !namespace || !port) continue;
      const key = `${namespace}/${name}`;
      if (!found.has(key)) found.set(key, { namespace, name, port: port.port, scheme: port.scheme, kind, selector });
    }
  }
  return [...found.values()];
}

async function listServices(kc: KubeConfig, labelSelector: string, options: { signal?: AbortSignal; namespaces?: readonly string[] }): Promise<NonNullable<ServiceList['items']>> {
  const opts = { signal: options.signal, timeoutMs: 10_000 };
  try {
    const all = await getJson<ServiceList>(kc, '/api/v1/services', { labelSelector, limit: 50 }, opts);
    return all.items ?? [];
  } catch (err) {
    // Without cluster-wide list rights, look where installs usually are.
    if (!(err instanceof HttpStatusError) || err.statusCode !== 403) throw err;
  }
  const items: NonNullable<ServiceList['items']> = [];
  const current = kc.getContextObject(kc.getCurrentContext())?.namespace;
  const namespaces = [...new Set([...(options.namespaces ?? []), ...(current ? [current] : []), ...COMMON_NAMESPACES])];
  for (const ns of namespaces) {
    try {
      const list = await getJson<ServiceList>(kc, `/api/v1/namespaces/${encodeURIComponent(ns)}/services`, { labelSelector, limit: 50 }, opts);
      items.push(...(list.items ?? []));
    } catch (err) {
      if (!(err instanceof HttpStatusError) || (err.statusCode !== 403 && err.statusCode !== 404)) throw err;
    }
  }
  return items;
}

/** The web port: named web/http(s), else 9090, else the only one. */
export function pickPort(ports: readonly { name?: string; port?: number; appProtocol?: string }[]): { port: string; scheme: 'http' | 'https' } | undefined {
  const usable = ports.filter((p) => typeof p.port === 'number');
  const chosen =
    usable.find((p) => /^(http-)?web$|^https?$|^http-web$/.test(p.name ?? '')) ??
    usable.find((p) => p.port === 9090) ??
    usable.find((p) => p.port === 10902 || p.port === 8428) ?? // Thanos query, VictoriaMetrics
    (usable.length === 1 ? usable[0] : undefined);
  if (!chosen) return undefined;
  const https = chosen.appProtocol === 'https' || /https/.test(chosen.name ?? '') || chosen.port === 443;
  return { port: String(chosen.port), scheme: https ? 'https' : 'http' };
}
