import { HttpMethod, RequestContext, type KubeConfig } from '@kubernetes/client-node';
import { Agent } from 'undici';
import { authenticate } from '../cluster/apiRequest.ts';
import { ClusterError } from '../cluster/clusterError.ts';
import { clip, PrometheusError, PrometheusNotReadyError, ServiceProxyForbiddenError } from './errors.ts';
import { DEFAULT_MAX_BYTES, getText, type HttpAnswer } from './http.ts';
import { DEFAULT_TIMEOUT_MS, joinPath, type PrometheusTransport } from './transport.ts';

/** An in-cluster Prometheus service, as the service proxy names it. */
export interface ServiceRef {
  readonly namespace: string;
  readonly name: string;
  readonly port: string; // a number or a port name
  readonly scheme: 'http' | 'https';
}

/** "monitoring/prometheus-server:9090" or "https:monitoring/prometheus:web". */
export function parseServiceRef(text: string): ServiceRef | undefined {
  const m = /^(?:(https?):)?([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/([a-z0-9]([-a-z0-9]*[a-z0-9])?):([a-z0-9-]+)$/.exec(text.trim());
  if (!m) return undefined;
  return { scheme: m[1] === 'https' ? 'https' : 'http', namespace: m[2]!, name: m[4]!, port: m[6]! };
}

export function formatServiceRef(s: ServiceRef): string {
  return `${s.scheme === 'https' ? 'https:' : ''}${s.namespace}/${s.name}:${s.port}`;
}

/** The API server path prefix that proxies to the service. */
export function serviceProxyPath(s: ServiceRef): string {
  // each piece encoded on its own: the colons are syntax the API server reads
  const target = `${s.scheme === 'https' ? 'https:' : ''}${encodeURIComponent(s.name)}:${encodeURIComponent(s.port)}`;
  return `/api/v1/namespaces/${encodeURIComponent(s.namespace)}/services/${target}/proxy`;
}

export interface ServiceProxyOptions {
  readonly timeoutMs?: number;
  readonly maxBytes?: number;
}

/**
 * Prometheus through `/api/v1/namespaces/NS/services/NAME:PORT/proxy/...` with the kubeconfig's
 * own TLS and credentials: nothing to port-forward, and the same RBAC as kubectl.
 */
export class ServiceProxyTransport implements PrometheusTransport {
  readonly where: string;
  private readonly kc: KubeConfig;
  private readonly service: ServiceRef;
  private readonly server: URL;
  private readonly timeoutMs: number;
  private readonly maxBytes: number;
  // only used when the kubeconfig asks for no TLS settings at all (plain http API server)
  private readonly fallbackAgent = new Agent({ keepAliveTimeout: 30_000, connections: 4 });

  constructor(kc: KubeConfig, service: ServiceRef, options: ServiceProxyOptions = {}) {
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new PrometheusError(`The kubeconfig context "${kc.getCurrentContext()}" has no cluster.`);
    this.kc = kc;
    this.service = service;
    this.server = new URL(cluster.server);
    this.where = `service ${formatServiceRef(service)} via ${this.server.host} (context ${kc.getCurrentContext()})`;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  }

  async get(apiPath: string, params: URLSearchParams, signal?: AbortSignal): Promise<HttpAnswer> {
    const url = new URL(this.server.toString());
    // The server URL may carry a path (Rancher: /k8s/clusters/c-xxxx)
    url.pathname = joinPath(this.server.pathname, serviceProxyPath(this.service), apiPath);
    url.search = params.toString();
    // Asked per request: exec and OIDC plugins hand out short-lived tokens and refresh them here.
    // The KubeConfig also gives the dispatcher (CA, client cert, proxy-url), cached per cluster/user.
    // An exec plugin may hang on a login prompt: the same timeout and cancel cover it as the query.
    const ctx = new RequestContext(url.toString(), HttpMethod.GET);
    try {
      await authenticate(this.kc, ctx, this.timeoutMs, signal);
    } catch (err) {
      if (err instanceof ClusterError) throw new PrometheusError(err.message, err.hint);
      throw err;
    }
    return getText(url, {
      dispatcher: ctx.getDispatcher() ?? this.fallbackAgent,
      headers: lowerCaseKeys(ctx.getHeaders()),
      signal,
      timeoutMs: this.timeoutMs,
      maxBytes: this.maxBytes,
      where: this.where,
    });
  }

  explain(answer: HttpAnswer): Error | undefined {
    const status = kubeStatus(answer);
    const { namespace, name } = this.service;
    if (answer.status === 403 && status) return new ServiceProxyForbiddenError(namespace, name, status.message);
    if (answer.status === 401) {
      return new PrometheusError(
        `The API server rejected the kubeconfig's credentials (HTTP 401) for context "${this.kc.getCurrentContext()}".`,
        'Log in again (the token may have expired), then retry.',
      );
    }
    if (answer.status === 404 && status) {
      return new PrometheusError(
        `The service ${formatServiceRef(this.service)} was not found: ${clip(status.message)}`,
        // the service came from the setting or from a pick remembered per context (not a setting)
        'Run "Memory Triage: Select Prometheus" to search again (clear "memoryTriage.prometheus.service" first if it is set), ' +
          'or set it to namespace/name:port.',
      );
    }
    if (answer.status === 503 && status) {
      return new PrometheusNotReadyError(
        `The API server cannot reach ${formatServiceRef(this.service)}: ${clip(status.message)}`,
        'Is the Prometheus pod running and ready?',
      );
    }
    return undefined;
  }

  async close(): Promise<void> {
    // the KubeConfig's dispatchers are shared with the rest of the extension: not ours to close
    await this.fallbackAgent.close();
  }
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) out[k.toLowerCase()] = v;
  return out;
}

/** The API server's own error body (kind: Status), when that is what came back. */
function kubeStatus(answer: HttpAnswer): { message: string; reason: string } | undefined {
  if (!answer.contentType.includes('json')) return undefined;
  try {
    const body = JSON.parse(answer.body) as { kind?: unknown; message?: unknown; reason?: unknown };
    if (body.kind !== 'Status') return undefined;
    return { message: typeof body.message === 'string' ? body.message : '', reason: typeof body.reason === 'string' ? body.reason : '' };
  } catch {
    return undefined;
  }
}
