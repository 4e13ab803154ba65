import type { KubeConfig } from '@kubernetes/client-node';
import { getJson, HttpStatusError } from '../cluster/apiRequest.ts';
import { classify, ClusterError } from '../cluster/clusterError.ts';
import { SETTINGS_HINT } from './errors.ts';
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
  items?: { metadata?: { name?: string; namespace?: string; labels?: Record<string, string> }; spec?: { ports?: { name?: string; port?: number; appProtocol?: string }[] } }[];
}

export function describeSelectors(): string {
  return SELECTORS.map((s) => s.selector).join(', ');
}

type ServiceItem = NonNullable<ServiceList['items']>[number];
interface DiscoveryOptions {
  readonly signal?: AbortSignal;
  /** Namespaces to look in first when services cannot be listed cluster-wide. */
  readonly namespaces?: readonly string[];
}

// Parallel requests at most; a discovery on a slow link should not open dozens at once.
const CONCURRENCY = 4;
const REQUEST_MS = 10_000;

/**
 * Prometheus-like services, deduplicated, in selector order. Cluster-wide: one list per selector, in
 * parallel. Without that right (403): one list per likely namespace, in parallel, matched here
 * against every selector, stopping at the first namespace (in priority order) that has one.
 * Any other failure (401, network, TLS, timeout) is a ClusterError saying which and what to do.
 */
export async function discoverPrometheus(kc: KubeConfig, options: DiscoveryOptions = {}): Promise<Candidate[]> {
  const server = kc.getCurrentCluster()?.server;
  try {
    const lists = await clusterWide(kc, options.signal);
    return lists ? candidates(SELECTORS.map((s, i) => ({ ...s, items: lists[i]! }))) : await byNamespace(kc, options, server);
  } catch (err) {
    throw explain(err, server);
  }
}

/** One item list per selector, or undefined when services may not be listed cluster-wide. */
async function clusterWide(kc: KubeConfig, signal: AbortSignal | undefined): Promise<ServiceItem[][] | undefined> {
  const list = (selector: string) => getJson<ServiceList>(kc, '/api/v1/services', { labelSelector: selector, limit: 50 }, { signal, timeoutMs: REQUEST_MS }).then((l) => l.items ?? []);
  let first: ServiceItem[];
  try {
    first = await list(SELECTORS[0]!.selector);
  } catch (err) {
    if (err instanceof HttpStatusError && err.statusCode === 403) return undefined;
    throw err;
  }
  const rest = await mapBounded(SELECTORS.slice(1), CONCURRENCY, (s) => list(s.selector));
  return [first, ...rest];
}

async function byNamespace(kc: KubeConfig, options: DiscoveryOptions, server: string | undefined): Promise<Candidate[]> {
  const current = kc.getContextObject(kc.getCurrentContext())?.namespace;
  const namespaces = [...new Set([...(options.namespaces ?? []), ...(current ? [current] : []), ...COMMON_NAMESPACES])];
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  const done: (ServiceItem[] | 'skipped' | undefined)[] = namespaces.map(() => undefined);
  let found: Candidate[] | undefined;
  const settle = () => {
    // The first namespace in priority order with a match wins once everything before it has answered.
    for (let i = 0; i < done.length && !found; i++) {
      const items = done[i];
      if (items === undefined) return;
      if (items === 'skipped') continue;
      const c = candidates(SELECTORS.map((s) => ({ ...s, items: items.filter((item) => matches(s.selector, item)) })));
      if (c.length > 0) found = c;
    }
    if (found) stop.abort();
  };
  await mapBounded(namespaces, CONCURRENCY, async (ns, i) => {
    if (found) return;
    try {
      const list = await getJson<ServiceList>(kc, `/api/v1/namespaces/${encodeURIComponent(ns)}/services`, { limit: 500 }, { signal, timeoutMs: REQUEST_MS });
      done[i] = list.items ?? [];
    } catch (err) {
      if (found) return;
      if (!(err instanceof HttpStatusError) || (err.statusCode !== 403 && err.statusCode !== 404)) throw err;
      done[i] = 'skipped';
    }
    settle();
  }).catch((err: unknown) => {
    stop.abort();
    throw err;
  });
  if (found) return found;
  if (done.every((d) => d === 'skipped')) {
    throw new ClusterError('forbidden', `Prometheus discovery: you may not list services cluster-wide nor in ${namespaces.join(', ')}.`, SETTINGS_HINT, 403, server);
  }
  return [];
}

function candidates(groups: readonly { kind: string; selector: string; items: readonly ServiceItem[] }[]): Candidate[] {
  const found = new Map<string, Candidate>();
  for (const { kind, selector, items } of groups) {
    for (const item of items) {
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

/** The selectors above are `key=value` pairs joined by commas; all must hold. */
export function matches(selector: string, item: { metadata?: { labels?: Record<string, string> } }): boolean {
  const labels = item.metadata?.labels ?? {};
  return selector.split(',').every((pair) => {
    const at = pair.indexOf('=');
    return at > 0 && labels[pair.slice(0, at)] === pair.slice(at + 1);
  });
}

function explain(err: unknown, server: string | undefined): unknown {
  if (err instanceof ClusterError || (err as Error | null)?.name === 'AbortError') return err;
  const e = classify(err, { verb: 'list', resource: 'services', server });
  return new ClusterError(e.kind, `Prometheus discovery: ${e.message}`, e.hint, e.status, e.detail);
}

/** Runs fn over items with at most `limit` at a time; results in item order; the first error rejects. */
export async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
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
