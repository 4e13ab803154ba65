// Request routing for the API paths: discovery, metrics.k8s.io, the service proxy, the
// scale subresource, and get/list/watch/create/update/patch/delete for stored resources.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { authorizationGroup, handleAuthorization } from './authorization.ts';
import type { ApiContext } from './context.ts';
import { apiGroup, coreVersions, groupList, resourceList, versionInfo } from './discovery.ts';
import { sendJson } from './http.ts';
import { handleEphemeralContainers } from './ephemeral.ts';
import { handleLogs } from './logs.ts';
import { handleMetrics } from './metricsApi.ts';
import { getOne, list, watch } from './reads.ts';
import { findType } from './registry.ts';
import { parseRequest, type RequestInfo } from './request.ts';
import { handleScale } from './scale.ts';
import { proxyService } from './serviceProxy.ts';
import { badRequest, forbidden, methodNotAllowed, pathNotFound } from './status.ts';
import { remove } from './deletes.ts';
import { create, patch, update } from './writes.ts';

const metricsGroup = 'metrics.k8s.io';

function discovery(path: string, ctx: ApiContext, host: string): unknown {
  const metricsOn = ctx.faults.metricsAvailable;
  if (path === '/version' || path === '/version/') return versionInfo();
  if (path === '/api' || path === '/api/') return coreVersions(host);
  if (path === '/apis' || path === '/apis/') return groupList(metricsOn);
  const m = /^\/(?:api\/(v1)|apis\/([^/]+)(?:\/([^/]+))?)\/?$/.exec(path);
  if (!m) return undefined;
  if (m[1]) return resourceList('', 'v1');
  if (m[2] === metricsGroup && !metricsOn) return undefined;
  return m[3] ? resourceList(m[2], m[3]) : apiGroup(m[2]);
}

export function checkAccess(info: RequestInfo, ctx: ApiContext): void {
  if (ctx.faults.isDenied(info)) {
    throw forbidden(ctx.config.user, info.verb, info.resource, info.subresource, info.group, info.namespace, info.verb === 'list' || info.verb === 'watch' ? undefined : info.name);
  }
}

export async function handleApi(req: IncomingMessage, res: ServerResponse, ctx: ApiContext): Promise<void> {
  const url = new URL(req.url ?? '/', 'https://emulator');
  const path = url.pathname;
  if (['/healthz', '/livez', '/readyz'].includes(path)) {
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    return void res.end('ok');
  }
  const doc = discovery(path, ctx, req.headers.host ?? '127.0.0.1');
  if (doc) return sendJson(res, 200, doc);
  const info = parseRequest(req);
  if (!info.isResource) throw pathNotFound();
  if (info.group === metricsGroup && !ctx.faults.metricsAvailable) throw pathNotFound();
  if (info.group === authorizationGroup) {
    checkAccess(info, ctx);
    return handleAuthorization(req, res, info, ctx);
  }
  const type = findType(info.group, info.version, info.resource);
  if (!type) throw pathNotFound();
  if (type.namespaced !== (info.namespace !== undefined) && !(type.namespaced && !info.name && req.method === 'GET')) throw pathNotFound();
  checkAccess(info, ctx);
  if (info.group === metricsGroup) return handleMetrics(req, res, info, ctx);
  const sub = info.subresource;
  if (sub) {
    if (!type.subresources.some((s) => s.name === sub)) throw pathNotFound();
    if (sub === 'proxy') return proxyService(req, res, info, ctx);
    if (sub === 'scale') return handleScale(req, res, info, type, ctx);
    if (sub === 'log') return handleLogs(req, res, info, ctx);
    if (sub === 'ephemeralcontainers') return handleEphemeralContainers(req, res, info, ctx);
    if (sub === 'exec' || sub === 'portforward') throw badRequest('Upgrade request required');
  }
  switch (info.verb) {
    case 'get': return getOne(req, res, info, type, ctx);
    case 'list': return list(req, res, info, type, ctx);
    case 'watch': return watch(req, res, info, type, ctx);
    case 'create': if (info.name) throw methodNotAllowed(); return create(req, res, info, type, ctx);
    case 'update': return update(req, res, info, type, ctx);
    case 'patch': return patch(req, res, info, type, ctx);
    case 'delete': return remove(req, res, info, type, ctx);
    default: throw methodNotAllowed();
  }
}
