// Splits an API path into what the real server's RequestInfoFactory derives:
// group, version, namespace, resource, name, subresource and the RBAC verb.
import type { IncomingMessage } from 'node:http';

export interface RequestInfo {
  isResource: boolean;
  group: string;
  version: string;
  namespace?: string;
  resource: string;
  name?: string;
  subresource?: string;
  /** Path after the subresource (service proxy). */
  rest: string;
  verb: string;
  query: URLSearchParams;
  path: string;
}

export function parseRequest(req: IncomingMessage): RequestInfo {
  const url = new URL(req.url ?? '/', 'https://emulator');
  const segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const info: RequestInfo = { isResource: false, group: '', version: '', resource: '', rest: '', verb: '', query: url.searchParams, path: url.pathname };
  let rest: string[];
  if (segments[0] === 'api' && segments.length >= 3) {
    info.version = segments[1];
    rest = segments.slice(2);
  } else if (segments[0] === 'apis' && segments.length >= 4) {
    info.group = segments[1];
    info.version = segments[2];
    rest = segments.slice(3);
  } else return info;
  info.isResource = true;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    info.namespace = rest[1];
    rest = rest.slice(2);
  }
  [info.resource, info.name, info.subresource] = rest;
  // The tail after the subresource is the proxied path; keep its trailing slash.
  const slash = url.pathname.endsWith('/') ? '/' : '';
  info.rest = rest.length > 3 ? '/' + rest.slice(3).map(encodeURIComponent).join('/') + slash : info.subresource ? slash : '';
  info.verb = verbOf(req.method ?? 'GET', info);
  return info;
}

function verbOf(method: string, info: RequestInfo): string {
  if (info.subresource && ['exec', 'attach', 'portforward'].includes(info.subresource)) return 'create';
  const watch = ['true', '1'].includes(info.query.get('watch') ?? '');
  switch (method) {
    case 'GET': case 'HEAD': return watch ? 'watch' : info.name ? 'get' : 'list';
    case 'POST': return 'create';
    case 'PUT': return 'update';
    case 'PATCH': return 'patch';
    case 'DELETE': return info.name ? 'delete' : 'deletecollection';
    default: return method.toLowerCase();
  }
}
