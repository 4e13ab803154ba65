// create, update (PUT) and patch (strategic/merge/JSON) as the API server runs them: options
// checked (dryRun, fieldValidation), the object decoded (unknown fields, canonical quantities) and
// validated, dryRun=All answering without persisting. Deletion is in deletes.ts.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiContext } from './context.ts';
import { parseJson, readBody, readJson } from './http.ts';
import { qosClass } from './objects.ts';
import { sendWithWarnings, writeOptions } from './options.ts';
import { applyPatch } from './patch.ts';
import { apiVersionOf, type ResourceType } from './registry.ts';
import type { RequestInfo } from './request.ts';
import { admitPod } from './admission.ts';
import { ApiError, badRequest, conflict, failure, notFound } from './status.ts';
import type { K8sObject } from './store.ts';
import { defaultStatefulSet } from './statefulsets.ts';
import { defaultDaemonSet } from './daemonsets.ts';
import { checkUidPrecondition, decode, defaultDeployment, defaultTemplate, validate } from './validation.ts';

function checkNamespace(ctx: ApiContext, info: RequestInfo, type: ResourceType): void {
  if (type.namespaced && info.namespace && !ctx.store.get('namespaces', undefined, info.namespace)) throw notFound('namespaces', '', info.namespace);
}

export async function create(req: IncomingMessage, res: ServerResponse, info: RequestInfo, type: ResourceType, ctx: ApiContext): Promise<void> {
  const { dryRun, fieldValidation } = writeOptions(info, 'CreateOptions');
  checkNamespace(ctx, info, type);
  const obj = await readJson(req);
  if (!obj || typeof obj !== 'object') throw badRequest('the server rejected our request due to an error in our request: empty body');
  if (obj.kind && obj.kind !== type.kind) throw badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${apiVersionOf(type)})`);
  obj.kind = type.kind;
  obj.apiVersion = apiVersionOf(type);
  const warnings = decode(type.kind, obj, fieldValidation, 'body');
  obj.metadata ??= {};
  if (type.namespaced) {
    if (obj.metadata.namespace && obj.metadata.namespace !== info.namespace) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    obj.metadata.namespace = info.namespace;
  }
  if (!obj.metadata.name && !obj.metadata.generateName) {
    throw new ApiError(failure(422, 'Invalid', `${type.kind} "" is invalid: metadata.name: Required value: name or generateName is required`));
  }
  if (type.resource === 'deployments') defaultDeployment(obj);
  if (type.resource === 'statefulsets') { defaultStatefulSet(obj); defaultTemplate(obj); }
  if (type.resource === 'daemonsets') { defaultDaemonSet(obj); defaultTemplate(obj); }
  if (type.resource === 'pods') obj.status = { phase: 'Pending', qosClass: qosClass(obj.spec?.containers ?? []) };
  if (type.resource === 'namespaces') obj.status = { phase: 'Active' };
  validate(type.resource, obj);
  if (type.resource === 'pods') admitPod(ctx.store, obj);
  const created = ctx.store.create(type.resource, obj, { dryRun }, type.group);
  sendWithWarnings(res, 201, created, warnings);
}

export async function update(req: IncomingMessage, res: ServerResponse, info: RequestInfo, type: ResourceType, ctx: ApiContext): Promise<void> {
  const { dryRun, fieldValidation } = writeOptions(info, 'UpdateOptions');
  const obj = await readJson(req);
  const ns = type.namespaced ? info.namespace : undefined;
  const old = ctx.store.mustGet(type.resource, type.group, ns, info.name!);
  if (!obj || typeof obj !== 'object') throw badRequest('the server rejected our request due to an error in our request: empty body');
  const warnings = decode(type.kind, obj, fieldValidation, 'body');
  if (obj.metadata?.name !== info.name) throw badRequest('the name of the object does not match the name on the URL');
  checkUidPrecondition(type, obj, old);
  obj.metadata.namespace = ns;
  save(res, info, type, ctx, obj, old, dryRun, warnings);
}

export async function patch(req: IncomingMessage, res: ServerResponse, info: RequestInfo, type: ResourceType, ctx: ApiContext): Promise<void> {
  const { dryRun, fieldValidation } = writeOptions(info, 'PatchOptions');
  const ns = type.namespaced ? info.namespace : undefined;
  const old = ctx.store.mustGet(type.resource, type.group, ns, info.name!);
  const body = await readBody(req);
  const patchDoc: unknown = parseJson(body.toString('utf8'), 'error decoding patch');
  const result: K8sObject = applyPatch(req.headers['content-type'] ?? '', old, patchDoc);
  if (!result?.metadata || result.metadata.name !== old.metadata.name || result.metadata.namespace !== old.metadata.namespace) {
    throw badRequest('the name of the object does not match the name on the URL');
  }
  if (result.metadata.resourceVersion && result.metadata.resourceVersion !== old.metadata.resourceVersion) throw conflict(type.resource, type.group, info.name!);
  const warnings = decode(type.kind, result, fieldValidation, 'patch');
  save(res, info, type, ctx, result, old, dryRun, warnings);
}

/** The end of an update or a patch: typed, status or spec kept as the endpoint requires, validated, saved. */
function save(res: ServerResponse, info: RequestInfo, type: ResourceType, ctx: ApiContext, next: K8sObject, old: K8sObject, dryRun: boolean, warnings: string[]): void {
  next.kind = type.kind;
  next.apiVersion = apiVersionOf(type);
  // The main resource cannot change status and the status subresource cannot change spec.
  if (info.subresource === 'status') next.spec = old.spec;
  else next.status = old.status;
  validate(type.resource, next, old);
  sendWithWarnings(res, 200, ctx.store.update(type.resource, next, { dryRun }, type.group), warnings);
}
