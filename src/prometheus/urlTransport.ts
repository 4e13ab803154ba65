import { rootCertificates } from 'node:tls';
import { Agent } from 'undici';
import { isTlsVerifyError, PrometheusAuthError, PrometheusError, PrometheusUnreachableError } from './errors.ts';
import { DEFAULT_MAX_BYTES, getText, type HttpAnswer } from './http.ts';
import { DEFAULT_TIMEOUT_MS, joinPath, type PrometheusTransport } from './transport.ts';

export type PrometheusAuth =
  | { readonly kind: 'none' }
  | { readonly kind: 'bearer'; readonly token: string }
  | { readonly kind: 'basic'; readonly username: string; readonly password: string };

export interface UrlTransportOptions {
  /** e.g. http://prometheus:9090, https://thanos.example.com, https://grafana/api/datasources/proxy/uid/x */
  readonly url: string;
  /** Put before /api/v1/...: Mimir's /prometheus, VictoriaMetrics cluster's /select/0/prometheus. */
  readonly pathPrefix?: string;
  readonly auth?: PrometheusAuth;
  readonly timeoutMs?: number;
  readonly maxBytes?: number;
  /** PEM certificates trusted besides Node's own roots (a private CA); where they came from. */
  readonly ca?: { readonly pem: string; readonly file: string };
}

/** A Prometheus-compatible HTTP API reached directly, with optional bearer or basic auth. */
export class UrlTransport implements PrometheusTransport {
  readonly where: string;
  private readonly base: URL;
  /** Query parameters of the configured URL (Grafana's orgId=2), sent with every request. */
  private readonly fixedParams: URLSearchParams;
  private readonly headers: Record<string, string>;
  private readonly agent: Agent;
  private readonly timeoutMs: number;
  private readonly maxBytes: number;
  private readonly caFile: string | undefined;

  constructor(options: UrlTransportOptions) {
    const example = 'Set "memoryTriage.prometheus.url" to e.g. http://prometheus.example:9090';
    let base: URL;
    try {
      base = new URL(options.url);
    } catch {
      throw new PrometheusError(`"${safeToQuote(options.url)}" is not a URL.`, example);
    }
    // (without a scheme, "user:password@host" parses with "user:" as the scheme)
    if (base.protocol !== 'http:' && base.protocol !== 'https:') {
      throw new PrometheusError(`"${safeToQuote(options.url)}" is not an http or https URL.`, example);
    }
    let auth = options.auth ?? { kind: 'none' };
    // user:password@ in the URL becomes basic auth, and leaves the URL so it is never shown
    if (auth.kind === 'none' && base.username) {
      auth = { kind: 'basic', username: decodeURIComponent(base.username), password: decodeURIComponent(base.password) };
    }
    base.username = '';
    base.password = '';
    base.pathname = joinPath(base.pathname, options.pathPrefix ?? '');
    this.fixedParams = new URLSearchParams(base.search);
    base.search = '';
    base.hash = '';
    this.base = base;
    // without the query: a parameter may hold a key (?api_key=...), and `where` is shown and logged
    this.where = base.toString().replace(/\/$/, '');
    this.headers = authHeaders(auth);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    this.caFile = options.ca?.file;
    // `ca` replaces Node's roots, so a private CA is added to them: public certificates still work.
    const connect = options.ca ? { ca: [...rootCertificates, options.ca.pem] } : undefined;
    this.agent = new Agent({ keepAliveTimeout: 30_000, connections: 4, connect });
  }

  async get(apiPath: string, params: URLSearchParams, signal?: AbortSignal): Promise<HttpAnswer> {
    const url = new URL(this.base.toString());
    url.pathname = joinPath(this.base.pathname, apiPath);
    url.search = mergeParams(this.fixedParams, params).toString();
    try {
      return await getText(url, {
        dispatcher: this.agent,
        headers: this.headers,
        signal,
        timeoutMs: this.timeoutMs,
        maxBytes: this.maxBytes,
        where: this.where,
      });
    } catch (err) {
      if (!isTlsVerifyError(err)) throw err;
      const hint = this.caFile
        ? `The certificate is not signed by the CA in ${this.caFile} (nor by a public one), or does not name this host.`
        : 'If it is signed by a private CA, set "memoryTriage.prometheus.caFile" to that CA\'s PEM file.';
      throw new PrometheusUnreachableError(this.where, err.detail, err.code, hint);
    }
  }

  explain(answer: HttpAnswer): Error | undefined {
    if (answer.status === 401 || answer.status === 403) return new PrometheusAuthError(answer.status, this.where);
    return undefined;
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

function authHeaders(auth: PrometheusAuth): Record<string, string> {
  switch (auth.kind) {
    case 'bearer':
      return { authorization: `Bearer ${auth.token}` };
    case 'basic':
      return { authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` };
    default:
      return {};
  }
}

/** The configured parameters, then the API's; a name the API sets replaces the configured one. */
function mergeParams(fixed: URLSearchParams, api: URLSearchParams): URLSearchParams {
  const merged = new URLSearchParams(fixed);
  for (const name of new Set(api.keys())) merged.delete(name);
  for (const [name, value] of api) merged.append(name, value);
  return merged;
}

// Text that failed to parse can still hold user:password@ or a key in its query; neither is quoted.
// Everything between the scheme and the last "@" goes: a password may hold a raw "@", "/" or ":".
function safeToQuote(text: string): string {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(text)?.[0] ?? '';
  let rest = text.slice(scheme.length);
  const at = rest.lastIndexOf('@');
  if (at >= 0) rest = `…@${rest.slice(at + 1)}`;
  const query = rest.search(/[?#]/);
  if (query >= 0) rest = `${rest.slice(0, query)}…`;
  return scheme + rest;
}
