// get, list (selectors, resourceVersion semantics, limit/continue pagination) and watch for every
// stored resource. A list at an exact resourceVersion, a legacy resourceVersion with a limit, and a
// continue token read a snapshot, rebuilt from the store's per-type history as etcd would serve it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ApiContext } from './context.ts';
import { sendJson } from './http.ts';
import { apiVersionOf, type ResourceType } from './registry.ts';
import type { RequestInfo } from './request.ts';
import { parseFieldSelector, parseLabelSelector } from './selectors.ts';
import { ApiError, badRequest, type Cause, failure, gone, invalid } from './status.ts';
import type { K8sObject, Store } from './store.ts';
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
    throw badRequest('invalid continue token: continue key is not valid: illegal base64 data at input byte 0');
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

/** storage's ParseResourceVersion: an unsigned integer, with strconv.ParseUint's complaint otherwise. */
function resourceVersionError(rv: string): string | undefined {
  if (/^\d+$/.test(rv) && BigInt(rv) < 2n ** 64n) return undefined;
  const why = /^\d+$/.test(rv) ? 'value out of range' : 'invalid syntax';
  return `resourceVersion: Invalid value: ${JSON.stringify(rv)}: strconv.ParseUint: parsing ${JSON.stringify(rv)}: ${why}`;
}

/** ValidateListOptions (422 ListOptions.meta.k8s.io) for a list, not a watch. */
function checkListOptions(q: URLSearchParams): void {
  const match = q.get('resourceVersionMatch') ?? '';
  const rv = q.get('resourceVersion') ?? '';
  const causes: Cause[] = [];
  const forbid = (field: string, why: string) => causes.push({ reason: 'FieldValueForbidden', message: `Forbidden: ${why}`, field });
  if (match) {
    if (!rv) forbid('resourceVersionMatch', 'resourceVersionMatch is forbidden unless resourceVersion is provided');
    if (q.get('continue')) forbid('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided');
    if (match !== 'Exact' && match !== 'NotOlderThan') {
      causes.push({ reason: 'FieldValueNotSupported', message: `Unsupported value: ${JSON.stringify(match)}: supported values: "Exact", "NotOlderThan", ""`, field: 'resourceVersionMatch' });
    }
    if (match === 'Exact' && rv === '0') forbid('resourceVersionMatch', 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"');
  }
  if (q.has('sendInitialEvents')) forbid('sendInitialEvents', 'sendInitialEvents is forbidden for list');
  if (causes.length) throw invalid('ListOptions', 'meta.k8s.io', '', causes);
}

/** The objects of a type as they were at `rv`: today's, with every later change undone. */
function snapshot(store: Store, resource: string, namespace: string | undefined, rv: number): K8sObject[] | undefined {
  const events = store.eventsSince(resource, rv);
  if (!events) return undefined;
  const byKey = new Map(store.listRaw(resource, namespace).map((o) => [keyOf(o), o]));
  for (const e of events.toReversed()) {
    if (namespace !== undefined && e.object.metadata.namespace !== namespace) continue;
    if (e.type === 'ADDED') byKey.delete(keyOf(e.object));
    else byKey.set(keyOf(e.previous!), e.previous!);
  }
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, o]) => o);
}

/** What etcd answers for a read at a revision it never had or no longer has. */
function exactRead(ctx: ApiContext, type: ResourceType, namespace: string | undefined, rv: number, continuing: boolean): K8sObject[] {
  if (rv > ctx.store.resourceVersion) throw new ApiError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'etcdserver: mvcc: required revision is a future revision', code: 500 });
  const items = snapshot(ctx.store, type.resource, namespace, rv);
  if (items) return items;
  if (!continuing) throw gone('The resourceVersion for the provided list is too old.');
  throw gone('The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.');
}

/** The watch cache's "not older than": wait up to 3 s for the version, then 504. */
async function notOlderThan(store: Store, rv: number): Promise<void> {
  const end = Date.now() + 3000;
  while (store.resourceVersion < rv && Date.now() < end) await sleep(50);
  if (store.resourceVersion >= rv) return;
  const message = `Timeout: Too large resource version: ${rv}, current: ${store.resourceVersion}`;
  throw new ApiError(failure(504, 'Timeout', message, { retryAfterSeconds: 1, causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }] }));
}

export async function list(req: IncomingMessage, res: ServerResponse, info: RequestInfo, type: ResourceType, ctx: ApiContext): Promise<void> {
  const matches = matcher(info, type);
  const q = info.query;
  checkListOptions(q);
  const namespace = type.namespaced ? info.namespace : undefined;
  const limit = Number(q.get('limit') ?? 0);
  const cont = q.get('continue');
  const rvText = q.get('resourceVersion') ?? '';
  let rv = ctx.store.resourceVersion;
  let all: K8sObject[];
  let start = '';
  if (cont) {
    const token = decodeContinue(cont);
    if (rvText && rvText !== '0') throw badRequest('specifying resource version is not allowed when using continue');
    all = exactRead(ctx, type, namespace, token.rv, true);
    rv = token.rv;
    start = token.start;
  } else if (rvText) {
    const bad = resourceVersionError(rvText);
    if (bad) throw badRequest(`invalid resource version: ${bad}`);
    const wanted = Number(rvText);
    const exact = q.get('resourceVersionMatch') === 'Exact' || (!q.get('resourceVersionMatch') && limit > 0 && wanted > 0);
    if (exact) rv = wanted;
    else if (wanted > 0) await notOlderThan(ctx.store, wanted);
    all = exact ? exactRead(ctx, type, namespace, wanted, false) : ctx.store.listRaw(type.resource, namespace);
    if (!exact) rv = ctx.store.resourceVersion;
  } else all = ctx.store.listRaw(type.resource, namespace);
  let items = all.filter((o) => matches(o) && keyOf(o) > start);
  const meta: K8sObject = { resourceVersion: String(rv) };
  if (limit > 0 && items.length > limit) {
    const page = items.slice(0, limit);
    meta.continue = encodeContinue({ v: 'meta.k8s.io/v1', rv, start: keyOf(page[page.length - 1]) });
    if (!q.get('labelSelector') && !q.get('fieldSelector')) meta.remainingItemCount = items.length - limit;
    items = page;
  }
  const copies = items.map((o) => structuredClone(o));
  if (wantsTable(req.headers.accept)) return sendJson(res, 200, toTable(type.resource, copies, meta, q.get('includeObject')));
  sendJson(res, 200, { kind: `${type.kind}List`, apiVersion: apiVersionOf(type), metadata: meta, items: copies.map(withoutTypeMeta) });
}

export function watch(req: IncomingMessage, res: ServerResponse, info: RequestInfo, type: ResourceType, ctx: ApiContext): void {
  const matches = matcher(info, type);
  const rv = info.query.get('resourceVersion');
  // The watch cache returns the parse error as is, which the handler turns into a bare 500.
  const bad = rv ? resourceVersionError(rv) : undefined;
  if (bad) throw new ApiError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: bad, code: 500 });
  const pinned = info.name;
  const table = wantsTable(req.headers.accept);
  const includeObject = info.query.get('includeObject');
  serveWatch(req, res, ctx.store, {
    resource: type.resource, kind: type.kind, apiVersion: apiVersionOf(type),
    namespace: type.namespaced ? info.namespace : undefined,
    matches: (o) => (!pinned || o.metadata.name === pinned) && matches(o),
    resourceVersion: rv,
    allowBookmarks: info.query.get('allowWatchBookmarks') === 'true',
    sendInitialEvents: info.query.get('sendInitialEvents') === 'true',
    timeoutSeconds: Number(info.query.get('timeoutSeconds') ?? 1800) || 1800,
    bookmarkIntervalMs: ctx.config.bookmarkIntervalMs,
    render: table ? (o) => toTable(type.resource, [o], { resourceVersion: o.metadata.resourceVersion }, includeObject) : (o) => o,
  });
}
