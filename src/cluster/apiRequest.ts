import { HttpMethod, RequestContext, type KubeConfig } from '@kubernetes/client-node';
import { fetch } from 'undici';
import { credentialError } from './clusterError.ts';

/** Thrown for a non-2xx answer; `statusCode` and `body` are what classify() reads. */
export class HttpStatusError extends Error {
  readonly statusCode: number;
  readonly body: unknown;
  constructor(statusCode: number, body: unknown, path: string) {
    const message = (body as { message?: string } | undefined)?.message;
    super(`${statusCode} from ${path}${message ? `: ${message}` : ''}`);
    this.statusCode = statusCode;
    this.body = body;
  }
}

export interface RequestOptions {
  readonly signal?: AbortSignal;
  /** Nothing may hang: every request gives up after this long. */
  readonly timeoutMs?: number;
  /** Called once per HTTP request, so callers (and the benchmark) can count them. */
  readonly onRequest?: (path: string) => void;
  /** The server's `Warning: 299 - "..."` headers (unknown fields, deprecations), when it sent any. */
  readonly onWarnings?: (warnings: readonly string[]) => void;
}

// A GET through the KubeConfig's own authentication (client certs, tokens, exec and OIDC
// plugins, proxy and CA settings all live in applySecurityAuthentication), the way client-node's
// Metrics class does it, but with a timeout, an abort signal and query parameters.
export async function getJson<T>(kc: KubeConfig, path: string, query: Record<string, string | number | undefined>, options: RequestOptions = {}): Promise<T> {
  return requestJson<T>(kc, 'GET', path, query, undefined, options);
}

/** A JSON body to POST, PUT or PATCH, with its content type (a patch type for PATCH). */
export interface JsonBody {
  readonly value: unknown;
  readonly contentType?: string;
}

type Verb = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Any verb, the same authentication, timeout and errors as getJson. */
export async function requestJson<T>(kc: KubeConfig, method: Verb, path: string, query: Record<string, string | number | undefined>, body: JsonBody | undefined, options: RequestOptions = {}): Promise<T> {
  const { status, text } = await send(kc, method, path, query, body, options, 'application/json');
  const parsed = parseMaybe(text);
  if (status < 200 || status >= 300) throw new HttpStatusError(status, parsed, path);
  if (typeof parsed !== 'object' || parsed === null) throw new Error(`${path} answered with something that is not JSON`);
  return parsed as T;
}

/** A GET of a text resource (pods/log): the text as it came; errors as getJson's. */
export async function getText(kc: KubeConfig, path: string, query: Record<string, string | number | undefined>, options: RequestOptions = {}): Promise<string> {
  const { status, text } = await send(kc, 'GET', path, query, undefined, options, 'text/plain, application/json');
  if (status < 200 || status >= 300) throw new HttpStatusError(status, parseMaybe(text), path);
  return text;
}

function parseMaybe(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text; // not JSON (a proxy's HTML page, a plain 404): keep the text for the log
  }
}

async function send(kc: KubeConfig, method: Verb, path: string, query: Record<string, string | number | undefined>, body: JsonBody | undefined, options: RequestOptions, accept: string): Promise<{ status: number; text: string }> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('The kubeconfig context names no cluster.');
  const url = new URL(cluster.server.replace(/\/$/, '') + path);
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') url.searchParams.set(key, String(value));
  }
  const timeoutMs = options.timeoutMs ?? 20_000;
  const ctx = new RequestContext(url.toString(), HttpMethod[method]);
  await authenticate(kc, ctx, timeoutMs, options.signal);
  const signals = [AbortSignal.timeout(timeoutMs)];
  if (options.signal) signals.push(options.signal);
  options.onRequest?.(path);
  const headers = ctx.getHeaders();
  headers['Accept'] = accept;
  if (body) headers['Content-Type'] = body.contentType ?? 'application/json';
  const response = await fetch(url, {
    method, headers, dispatcher: ctx.getDispatcher(), signal: AbortSignal.any(signals),
    body: body ? JSON.stringify(body.value) : undefined,
  });
  const warning = response.headers.get('warning');
  if (warning && options.onWarnings) options.onWarnings(parseWarnings(warning));
  return { status: response.status, text: await response.text() };
}

// RFC 7234 warn-value: `299 - "text"`; fetch joins several headers with ", ".
function parseWarnings(header: string): string[] {
  const out: string[] = [];
  for (const m of header.matchAll(/\d{3} \S+ "((?:[^"\\]|\\.)*)"/g)) out.push(m[1]!.replace(/\\(.)/g, '$1').slice(0, 1000));
  return out.slice(0, 20);
}

// An exec or OIDC plugin runs here (aws, gcloud, kubelogin): it can fail (expired SSO session)
// or wait for a login that never comes. Either is a credential problem, said as one, and the
// request gives up after its timeout, or when the caller cancels, instead of hanging the view.
// (client-node spawns the plugin with no timeout of its own and gives no handle to kill it.)
export async function authenticate(kc: KubeConfig, ctx: RequestContext, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  signal?.throwIfAborted();
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const giveUp = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the credential plugin gave no answer within ${timeoutMs / 1000} s`)), timeoutMs);
    onAbort = () => reject(signal!.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await Promise.race([kc.applySecurityAuthentication(ctx), giveUp]);
  } catch (err) {
    if (signal?.aborted) throw signal.reason; // the caller cancelled: not a credential problem
    throw credentialError(err);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}
