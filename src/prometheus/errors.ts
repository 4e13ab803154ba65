// Each way of failing has its own class so the UI can say what to do about it. Messages never
// hold credentials; text that came from a server is cut short and stripped of control characters.

export function clip(text: string, max = 300): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}

export class PrometheusError extends Error {
  override name = 'PrometheusError';
  /** What the user can do about it, in one sentence. */
  readonly hint: string | undefined;
  constructor(message: string, hint?: string) {
    super(message);
    this.hint = hint;
  }
}

export const SETTINGS_HINT =
  'Set "memoryTriage.prometheus.url" (a Prometheus, Thanos, Mimir or VictoriaMetrics address) or ' +
  '"memoryTriage.prometheus.service" (namespace/name:port of the in-cluster service).';

export class PrometheusNotFoundError extends PrometheusError {
  override name = 'PrometheusNotFoundError';
  constructor(context: string, looked: string) {
    super(`No Prometheus service found in context "${context}" (looked for services labelled ${looked}).`, SETTINGS_HINT);
  }
}

/** The API server refused the service proxy: the RBAC rule it takes, spelled out. */
export class ServiceProxyForbiddenError extends PrometheusError {
  override name = 'ServiceProxyForbiddenError';
  constructor(namespace: string, service: string, serverMessage: string) {
    super(
      `Forbidden to reach Prometheus through the API server's service proxy (${namespace}/${service})` +
        (serverMessage ? `: ${clip(serverMessage)}` : '.'),
      `Ask for a Role in namespace "${namespace}" with rule {apiGroups: [""], resources: ["services/proxy"], ` +
        `resourceNames: ["${service}"], verbs: ["get"]}, or set "memoryTriage.prometheus.url".`,
    );
  }
}

/** Prometheus answered with status "error": its own errorType and error, as it said them. */
export class PrometheusApiError extends PrometheusError {
  override name = 'PrometheusApiError';
  readonly errorType: string;
  constructor(errorType: string, error: string, query?: string) {
    super(
      `Prometheus refused the query (${clip(errorType, 40)}): ${clip(error)}`,
      query ? `Query: ${clip(query, 500)}` : undefined,
    );
    this.errorType = errorType;
  }
}

/** An answer that is not the Prometheus API: a login page, a proxy's error, a wrong path prefix. */
export class PrometheusResponseError extends PrometheusError {
  override name = 'PrometheusResponseError';
  readonly status: number;
  constructor(status: number, contentType: string, bodyStart: string, hint?: string) {
    super(
      `Expected a Prometheus JSON answer, got HTTP ${status} ${clip(contentType, 60) || 'without content type'}` +
        (bodyStart ? `: ${clip(bodyStart, 160)}` : ''),
      hint ?? 'Check the URL and "memoryTriage.prometheus.pathPrefix" (Grafana proxies and Thanos often need one).',
    );
    this.status = status;
  }
}

export class PrometheusAuthError extends PrometheusError {
  override name = 'PrometheusAuthError';
  constructor(status: number, where: string) {
    super(
      `Prometheus at ${where} answered HTTP ${status}: not authorised.`,
      'Run "Memory Triage: Set Prometheus Credentials" to store a bearer token or a user and password.',
    );
  }
}

export class PrometheusTimeoutError extends PrometheusError {
  override name = 'PrometheusTimeoutError';
  constructor(where: string, seconds: number) {
    super(
      `No answer from Prometheus at ${where} within ${seconds} s.`,
      'A shorter range asks less of it; check that the address is reachable from this machine.',
    );
  }
}

export class PrometheusUnreachableError extends PrometheusError {
  override name = 'PrometheusUnreachableError';
  /** Node's error code (ECONNREFUSED, SELF_SIGNED_CERT_IN_CHAIN, ...), when there was one. */
  readonly code: string | undefined;
  /** what went wrong, without the address */
  readonly detail: string;
  constructor(where: string, detail: string, code?: string, hint = SETTINGS_HINT) {
    super(`Cannot reach Prometheus at ${where}: ${clip(detail, 200)}`, hint);
    this.code = code;
    this.detail = detail;
  }
}

// Node's codes for a server certificate it could not check: the chain, the name or the dates.
const TLS_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_UNTRUSTED', 'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID', 'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** The server's certificate failed verification; the hint says how to trust a private CA. */
export function isTlsVerifyError(err: unknown): err is PrometheusUnreachableError {
  return err instanceof PrometheusUnreachableError && err.code !== undefined && TLS_CODES.has(err.code);
}

/** The service is there but nothing behind it answers yet (HTTP 503 from the service proxy). */
export class PrometheusNotReadyError extends PrometheusError {
  override name = 'PrometheusNotReadyError';
}

export class PrometheusTooLargeError extends PrometheusError {
  override name = 'PrometheusTooLargeError';
  constructor(what: string, limit: string) {
    super(`Prometheus's answer is too large (${what}; the limit is ${limit}).`, 'Choose a shorter range or fewer pods.');
  }
}
