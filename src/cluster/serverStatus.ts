// What the API server said when it refused a write: its v1 Status (code, reason, message and the
// causes: admission webhooks, LimitRange and ResourceQuota messages, field validation) in words,
// for the dry-run answer, the apply's failure and the timeline.
import { HttpStatusError } from './apiRequest.ts';

export interface StatusCause {
  readonly field?: string;
  readonly reason?: string;
  readonly message: string;
}

export interface ServerStatus {
  readonly code: number;
  /** Invalid, Forbidden, Conflict, NotFound, ... */
  readonly reason: string;
  readonly message: string;
  readonly causes: readonly StatusCause[];
}

// Bounds on what the server can make us show: a webhook can answer with a very long message.
const MAX_MESSAGE = 2000;
const MAX_CAUSES = 20;

const text = (v: unknown, max = MAX_MESSAGE): string => (typeof v === 'string' ? v.slice(0, max) : '');

/** The Status of an HttpStatusError (any body shape tolerated); undefined for other errors. */
export function serverStatus(err: unknown): ServerStatus | undefined {
  if (!(err instanceof HttpStatusError)) return undefined;
  const body = (typeof err.body === 'object' && err.body !== null ? err.body : {}) as Record<string, unknown>;
  const details = (typeof body.details === 'object' && body.details !== null ? body.details : {}) as Record<string, unknown>;
  const causes = Array.isArray(details.causes) ? details.causes : [];
  return {
    code: err.statusCode,
    reason: text(body.reason, 100),
    message: text(body.message) || (typeof err.body === 'string' ? err.body.slice(0, 300) : `HTTP ${err.statusCode}`),
    causes: causes.slice(0, MAX_CAUSES).map((c: Record<string, unknown>) => ({ field: text(c?.field, 300) || undefined, reason: text(c?.reason, 100) || undefined, message: text(c?.message) }))
      .filter((c) => c.message !== '' || c.field !== undefined),
  };
}

/** A write's refusal in words; RBAC's 403 also says which permission to ask for. */
export function refusalText(status: ServerStatus, verb: 'patch' | 'delete', resource: string, namespace: string): string {
  const said = statusText(status);
  return status.code === 403 ? `${said}\nAsk for RBAC permission to "${verb}" "${resource}" in namespace ${namespace}.` : said;
}

/** "422 Invalid: Deployment.apps "api" is invalid: ...", then one line per cause the message does not already hold. */
export function statusText(status: ServerStatus): string {
  const head = `${status.code}${status.reason ? ` ${status.reason}` : ''}: ${status.message}`;
  const extra = status.causes
    .map((c) => (c.field ? `${c.field}: ${c.message}` : c.message))
    .filter((line) => !status.message.includes(line));
  return [head, ...extra.map((line) => `  - ${line}`)].join('\n');
}
