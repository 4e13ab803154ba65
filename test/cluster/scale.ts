// The scale subresource (autoscaling/v1 Scale) of deployments and replica sets, which
// `kubectl scale` patches and the extension's "scale" action uses.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiContext } from './context.ts';
import { parseJson, readBody, sendJson } from './http.ts';
import { sendWithWarnings, writeOptions } from './options.ts';
import { applyPatch } from './patch.ts';
import type { ResourceType } from './registry.ts';
import type { RequestInfo } from './request.ts';
import { formatMatchLabels } from './selectors.ts';
import { conflict, invalid, methodNotAllowed } from './status.ts';
import type { K8sObject } from './store.ts';
import { decode } from './validation.ts';

function toScale(obj: K8sObject): K8sObject {
  const m = obj.metadata;
  return {
    kind: 'Scale', apiVersion: 'autoscaling/v1',
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp },
    spec: { replicas: obj.spec?.replicas ?? 0 },
    status: { replicas: obj.status?.replicas ?? 0, selector: formatMatchLabels(obj.spec?.selector?.matchLabels ?? {}) },
  };
}

export async function handleScale(req: IncomingMessage, res: ServerResponse, info: RequestInfo, type: ResourceType, ctx: ApiContext): Promise<void> {
  const ns = info.namespace;
  const obj = ctx.store.mustGet(type.resource, type.group, ns, info.name!);
  const current = toScale(obj);
  if (req.method === 'GET') return sendJson(res, 200, current);
  if (req.method !== 'PUT' && req.method !== 'PATCH') throw methodNotAllowed();
  const { dryRun, fieldValidation } = writeOptions(info, req.method === 'PUT' ? 'UpdateOptions' : 'PatchOptions');
  const body = await readBody(req);
  const doc: K8sObject = parseJson(body.toString('utf8'), 'error decoding body');
  const wanted: K8sObject = req.method === 'PUT' ? doc : applyPatch(req.headers['content-type'] ?? '', current, doc);
  const warnings = decode('Scale', wanted, fieldValidation, req.method === 'PUT' ? 'body' : 'patch');
  const rv = wanted.metadata?.resourceVersion;
  if (rv && rv !== obj.metadata.resourceVersion) throw conflict(type.resource, type.group, info.name!);
  const replicas = wanted.spec?.replicas;
  if (!Number.isInteger(replicas) || replicas < 0) {
    throw invalid('Scale', 'autoscaling', info.name!, [{ reason: 'FieldValueInvalid', message: `Invalid value: ${replicas}: must be greater than or equal to 0`, field: 'spec.replicas' }]);
  }
  obj.spec.replicas = replicas;
  delete obj.metadata.resourceVersion;
  const updated = ctx.store.update(type.resource, obj, { dryRun }, type.group);
  sendWithWarnings(res, 200, toScale(updated), warnings);
}
