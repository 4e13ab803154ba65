// get, list (selectors, limit/continue pagination) and watch for every stored resource.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiContext } from './context.ts';
import { sendJson } from './http.ts';
import { apiVersionOf, type ResourceType } from './registry.ts';
import type { RequestInfo } from './request.ts';
import { parseFieldSelector, parseLabelSelector } from './selectors.ts';
import { badRequest, gone } from './status.ts';
import type { K8sObject } from './store.ts';
import { toTable, wantsTable } from './table.ts';
import { serveWatch } from './watch.ts';

interface ContinueToken { v: string; rv: number; start: string }

function encodeContinue(t: ContinueToken): string {
  return Buffer.from(JSON.stringify(t)).toString('base64url');
}

function decodeContinue(text: string): ContinueToken {
  try {
    const t = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as ContinueToken;
    if (typeof t.rv !== 'number' || typeof t.start !== 'string') throw new Error('bad token');
    return t;
  } catch {
    throw badRequest('continue key is not valid: illegal base64 data at input byte 0');
  }
}

const keyOf = (o: K8sObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;

export function matcher(info: RequestInfo, type: ResourceType): (o: K8sObject) => boolean {
  const labels = parseLabelSelector(info.query.get('labelSelector'));
  const fields = parseFieldSelector(info.query.get('fieldSelector'), type.resource, type.group);
  return (o) => labels(o.metadata?.labels) && fields(o);
}

function withoutTypeMeta(o: K8sObject): K8sObject {
  const { kind: _k, apiVersion: _a, ...rest } = o;
  return rest;
}

export function getOne(req: IncomingMessage, res: ServerResponse, info: RequestInfo, type: ResourceType, ctx: ApiContext): void {
  const obj = ctx.store.mustGet(type.resource, type.group, type.namespaced ? info.namespace : undefined, info.name!);
  if (wantsTable(req.headers.accept)) return sendJson(res, 200, toTable(type.resource, [obj], { resourceVersion: obj.metadata.resourceVersion }, info.query.get('includeObject')));
  sendJson(res, 200, obj);
}

export function list(req: IncomingMessage, res: ServerResponse, info: RequestInfo, type: ResourceType, ctx: ApiContext): void {
  const matches = matcher(info, type);
  const all = ctx.store.listRaw(type.resource, type.namespaced ? info.namespace : undefined).filter(matches);
  const limit = Number(info.query.get('limit') ?? 0);
  const cont = info.query.get('continue');
  let rv = ctx.store.resourceVersion;
  let items = all;
  if (cont) {
    const token = decodeContinue(cont);
    if (token.rv < ctx.store.compactedRevision(type.resource)) {
      throw gone('The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.');
    }
    rv = token.rv;
    items = items.filter((o) => keyOf(o) > token.start);
  }
  const meta: K8sObject = { resourceVersion: String(rv) };
  if (limit > 0 && items.length > limit) {
    const page = items.slice(0, limit);
    meta.continue = encodeContinue({ v: 'meta.k8s.io/v1', rv, start: keyOf(page[page.length - 1]) });
    if (!info.query.get('labelSelector') && !info.query.get('fieldSelector')) meta.remainingItemCount = items.length - limit;
    items = page;
  }
  const copies = items.map((o) => structuredClone(o));
  if (wantsTable(req.headers.accept)) return sendJson(res, 200, toTable(type.resource, copies, meta, info.query.get('includeObject')));
  sendJson(res, 200, { kind: `${type.kind}List`, apiVersion: apiVersionOf(type), metadata: meta, items: copies.map(withoutTypeMeta) });
}

export function watch(req: IncomingMessage, res: ServerResponse, info: RequestInfo, type: ResourceType, ctx: ApiContext): void {
  const matches = matcher(info, type);
  const pinned = info.name;
  const table = wantsTable(req.headers.accept);
  const includeObject = info.query.get('includeObject');
  serveWatch(req, res, ctx.store, {
    resource: type.resource, kind: type.kind, apiVersion: apiVersionOf(type),
    namespace: type.namespaced ? info.namespace : undefined,
    matches: (o) => (!pinned || o.metadata.name === pinned) && matches(o),
    resourceVersion: info.query.get('resourceVersion'),
    allowBookmarks: info.query.get('allowWatchBookmarks') === 'true',
    sendInitialEvents: info.query.get('sendInitialEvents') === 'true',
    timeoutSeconds: Number(info.query.get('timeoutSeconds') ?? 1800) || 1800,
    bookmarkIntervalMs: ctx.config.bookmarkIntervalMs,
    render: table ? (o) => toTable(type.resource, [o], { resourceVersion: o.metadata.resourceVersion }, includeObject) : (o) => o,
  });
}
