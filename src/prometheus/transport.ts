import type { HttpAnswer } from './http.ts';

/**
 * How requests reach the Prometheus HTTP API: straight to a URL, or through the Kubernetes API
 * server's service proxy. The client above it does not care which.
 */
export interface PrometheusTransport {
  /** Where the figures come from, as shown to the user: never a credential. */
  readonly where: string;
  /** GET `apiPath` (e.g. `/api/v1/query_range`) with the query parameters. */
  get(apiPath: string, params: URLSearchParams, signal?: AbortSignal): Promise<HttpAnswer>;
  /** The error that explains a non-Prometheus answer of this transport (403 from RBAC, ...). */
  explain(answer: HttpAnswer): Error | undefined;
  close(): Promise<void>;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

/** Joins URL path pieces with exactly one slash between them. */
export function joinPath(...parts: string[]): string {
  const joined = parts
    .map((p) => p.replace(/^\/+|\/+$/g, ''))
    .filter((p) => p !== '')
    .join('/');
  return `/${joined}`;
}
