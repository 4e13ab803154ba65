// metav1.Status bodies phrased like the real API server's, so clients that parse
// reason/code/message (client-node, kubectl) react as they would against a cluster.

export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, unknown>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: Record<string, unknown>;
  code: number;
}

export class ApiError extends Error {
  readonly status: StatusBody;
  constructor(status: StatusBody) {
    super(status.message);
    this.status = status;
  }
}

export function failure(code: number, reason: string, message: string, details?: Record<string, unknown>): StatusBody {
  const body: StatusBody = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
  if (details) body.details = details;
  return body;
}

export function success(details?: Record<string, unknown>): StatusBody {
  const body: StatusBody = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 200 };
  if (details) body.details = details;
  return body;
}

function groupDetails(name: string | undefined, group: string, kind: string): Record<string, unknown> {
  const d: Record<string, unknown> = { kind };
  if (name) d.name = name;
  if (group) d.group = group;
  return d;
}

/** `pods "x" not found` (resource is the plural, as the server prints it). */
export function notFound(resource: string, group: string, name: string): ApiError {
  const qualified = group ? `${resource}.${group}` : resource;
  return new ApiError(failure(404, 'NotFound', `${qualified} "${name}" not found`, groupDetails(name, group, resource)));
}

export function pathNotFound(): ApiError {
  return new ApiError(failure(404, 'NotFound', 'the server could not find the requested resource', {}));
}

export function alreadyExists(resource: string, group: string, name: string): ApiError {
  const qualified = group ? `${resource}.${group}` : resource;
  return new ApiError(failure(409, 'AlreadyExists', `${qualified} "${name}" already exists`, groupDetails(name, group, resource)));
}

export function conflict(resource: string, group: string, name: string): ApiError {
  const qualified = group ? `${resource}.${group}` : resource;
  const message = `Operation cannot be fulfilled on ${qualified} "${name}": the object has been modified; please apply your changes to the latest version and try again`;
  return new ApiError(failure(409, 'Conflict', message, groupDetails(name, group, resource)));
}

export interface Cause { reason: string; message: string; field: string }

/** 422 Invalid, e.g. `Deployment.apps "api" is invalid: spec.replicas: Invalid value: -1: ...`. */
export function invalid(kind: string, group: string, name: string, causes: Cause[]): ApiError {
  const qualified = group ? `${kind}.${group}` : kind;
  const list = causes.map((c) => `${c.field}: ${c.message}`);
  const text = list.length === 1 ? list[0] : `[${list.join(', ')}]`;
  const message = `${qualified} "${name}" is invalid: ${text}`;
  return new ApiError(failure(422, 'Invalid', message, { name, group: group || undefined, kind, causes }));
}

export function badRequest(message: string): ApiError {
  return new ApiError(failure(400, 'BadRequest', message));
}

export function unsupportedMediaType(contentType: string): ApiError {
  return new ApiError(failure(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json`, { causes: [{ reason: 'UnsupportedMediaType', message: contentType }] }));
}

export function methodNotAllowed(): ApiError {
  return new ApiError(failure(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {}));
}

export function unauthorized(): StatusBody {
  return failure(401, 'Unauthorized', 'Unauthorized');
}

/** The RBAC denial text: `pods is forbidden: User "x" cannot list resource "pods" in API group "" in the namespace "default"`. */
export function forbidden(user: string, verb: string, resource: string, subresource: string | undefined, group: string, namespace: string | undefined, name?: string): ApiError {
  const qualified = group ? `${resource}.${group}` : resource;
  const subject = name ? `${qualified} "${name}"` : qualified;
  const full = subresource ? `${resource}/${subresource}` : resource;
  const scope = namespace ? `in the namespace "${namespace}"` : 'at the cluster scope';
  const message = `${subject} is forbidden: User "${user}" cannot ${verb} resource "${full}" in API group "${group}" ${scope}`;
  return new ApiError(failure(403, 'Forbidden', message, groupDetails(name, group, resource)));
}

/** Watch and continue tokens older than the retained history. */
export function expired(message: string): StatusBody {
  return failure(410, 'Expired', message);
}

export function gone(message: string): ApiError {
  return new ApiError(failure(410, 'Expired', message));
}

export function serviceUnavailable(message: string): ApiError {
  return new ApiError(failure(503, 'ServiceUnavailable', message));
}

export function internal(message: string): ApiError {
  return new ApiError(failure(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] }));
}
