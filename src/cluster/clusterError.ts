// What went wrong talking to the cluster, in the few kinds the UI answers differently.
// The message is for a person; `hint` says what to do; `detail` goes to the log only.
export type ClusterErrorKind =
  | 'no-kubeconfig'
  | 'bad-kubeconfig'
  | 'no-context'
  | 'unreachable'
  | 'unauthorized' // 401: token expired or rejected
  | 'forbidden' // 403: RBAC
  | 'metrics-unavailable' // 404/503 on metrics.k8s.io
  | 'namespace-missing'
  | 'timeout'
  | 'other';

export class ClusterError extends Error {
  readonly kind: ClusterErrorKind;
  readonly hint: string;
  readonly status?: number;
  readonly detail?: string;

  constructor(kind: ClusterErrorKind, message: string, hint: string, status?: number, detail?: string) {
    super(message);
    this.name = 'ClusterError';
    this.kind = kind;
    this.hint = hint;
    this.status = status;
    this.detail = detail;
  }
}

/** What a request was trying to do, so a 403 can name the verb and resource the user lacks. */
export interface RequestIntent {
  readonly verb: 'list' | 'watch' | 'get';
  readonly resource: string; // pods, pods.metrics.k8s.io
  readonly namespace?: string; // undefined: all namespaces
  readonly server?: string;
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT', 'EPIPE', 'CERT_HAS_EXPIRED', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN']);

/** An HTTP status from any of the shapes client-node throws (ApiException.code, Watch's statusCode). */
export function statusOf(err: unknown): number | undefined {
  if (err instanceof ClusterError) return err.status;
  // DOMException has a numeric `code` too (23 for a timeout): only HTTP-looking numbers count.
  if (err instanceof DOMException) return undefined;
  const e = err as { code?: unknown; statusCode?: unknown } | null;
  const n = typeof e?.statusCode === 'number' ? e.statusCode : typeof e?.code === 'number' ? e.code : undefined;
  return n !== undefined && n >= 100 && n < 600 ? n : undefined;
}

// Network errors are wrapped by fetch ("fetch failed") with the real code in a cause chain.
function networkCode(err: unknown): string | undefined {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 6; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string' && (NETWORK_CODES.has(e.code) || isTlsCode(e.code) || e.code.startsWith('UND_ERR'))) return e.code;
  }
  return undefined;
}

function isTlsCode(code: string): boolean {
  return code.startsWith('ERR_TLS') || code.startsWith('CERT_') || /SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/.test(code);
}

/** The Status message the server sent, when the body is a v1 Status. */
function statusMessage(err: unknown): string | undefined {
  const body = (err as { body?: unknown } | null)?.body;
  const parsed = typeof body === 'string' ? safeJson(body) : body;
  const message = (parsed as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message : undefined;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The kubeconfig user's credentials could not be had (exec/OIDC plugin failed or hung, cert file unreadable). */
export function credentialError(err: unknown): ClusterError {
  if (err instanceof ClusterError) return err;
  const detail = (err instanceof Error ? err.message : String(err)).trim();
  const first = detail.split('\n')[0]!.trim();
  return new ClusterError('unauthorized', `Could not get credentials for the cluster${first ? `: ${first}` : ''}.`, 'Log in again (the command your kubeconfig user runs, e.g. your cloud CLI), then Refresh.', undefined, detail);
}

export function classify(err: unknown, intent: RequestIntent): ClusterError {
  if (err instanceof ClusterError) return err;
  const where = intent.namespace ? `namespace "${intent.namespace}"` : 'all namespaces';
  const status = statusOf(err);
  const server = statusMessage(err);
  const detail = err instanceof Error ? err.message.split('\nHeaders:')[0] : String(err);
  if (status === undefined) {
    const code = networkCode(err);
    if ((err as Error | null)?.name === 'TimeoutError' || (err as Error | null)?.name === 'AbortError' || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT') {
      return new ClusterError('timeout', `The API server${intent.server ? ` ${intent.server}` : ''} did not answer in time.`, 'Check the network or VPN; the view retries on its own.', undefined, detail);
    }
    if (code && isTlsCode(code)) {
      return new ClusterError('unreachable', `The API server${intent.server ? ` ${intent.server}` : ''} has a TLS certificate this machine does not accept (${code}).`, 'Check certificate-authority (or -data) in the kubeconfig and the machine clock; a proxy that re-signs TLS needs its CA there.', undefined, detail);
    }
    if (code) {
      return new ClusterError('unreachable', `Cannot reach the API server${intent.server ? ` ${intent.server}` : ''} (${code}).`, 'Check the network, VPN or the cluster address in the kubeconfig; the view retries on its own.', undefined, detail);
    }
    return new ClusterError('other', `Request to ${intent.resource} failed: ${detail}`, 'See the Memory Triage log for details.', undefined, detail);
  }
  if (status === 401) {
    return new ClusterError('unauthorized', 'The cluster rejected the credentials (401): the token has expired or is invalid.', 'Log in again (refresh the token of your kubeconfig user), then Refresh.', status, server ?? detail);
  }
  if (status === 403) {
    return new ClusterError('forbidden', `Forbidden (403): you may not ${intent.verb} ${intent.resource} in ${where}.`, `Ask for RBAC permission to "${intent.verb}" "${intent.resource}"${intent.namespace ? ` in ${intent.namespace}` : ' cluster-wide'}.`, status, server ?? detail);
  }
  if (status === 404 && intent.resource.endsWith('metrics.k8s.io')) {
    return new ClusterError('metrics-unavailable', 'No metrics API (metrics.k8s.io answered 404).', 'Install metrics-server (kubectl top needs it too); pods are shown without usage.', status, server ?? detail);
  }
  if (status === 503 && intent.resource.endsWith('metrics.k8s.io')) {
    return new ClusterError('metrics-unavailable', 'The metrics API is unavailable (503).', 'metrics-server is not ready; pods are shown without usage until it answers.', status, server ?? detail);
  }
  if (status === 404 && intent.namespace && (server ?? '').includes('namespace')) {
    return new ClusterError('namespace-missing', `Namespace "${intent.namespace}" does not exist.`, 'Pick another namespace (Memory Triage: Select Namespace).', status, server);
  }
  return new ClusterError('other', `The API server answered ${status} to ${intent.verb} ${intent.resource}${server ? `: ${server}` : ''}.`, 'See the Memory Triage log for details.', status, server ?? detail);
}
