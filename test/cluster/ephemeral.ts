// The pods/ephemeralcontainers subresource, as kube-apiserver 1.33 serves it: GET returns the Pod;
// PUT and PATCH (strategic merge, JSON merge, JSON patch) take a Pod of which only
// spec.ephemeralContainers counts (the rest is kept from the stored pod, as the strategy's
// PrepareForUpdate does); ephemeral containers are validated and can never be removed or changed.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiContext } from './context.ts';
import { parseJson, readBody, sendJson } from './http.ts';
import { sendWithWarnings, writeOptions } from './options.ts';
import { applyPatch } from './patch.ts';
import type { RequestInfo } from './request.ts';
import { type Cause, badRequest, conflict, invalid, methodNotAllowed } from './status.ts';
import type { K8sObject } from './store.ts';
import { decode } from './validation.ts';

// Fields an ephemeral container may not set (validateEphemeralContainers).
const forbidden = ['ports', 'resources', 'lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe', 'resizePolicy', 'restartPolicy'];
const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function semanticEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function ephemeralCauses(next: K8sObject[], old: K8sObject[], pod: K8sObject): Cause[] {
  const causes: Cause[] = [];
  const regular = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].map((c: K8sObject) => c.name);
  const seen = new Set<string>(regular);
  next.forEach((ec, i) => {
    const path = `spec.ephemeralContainers[${i}]`;
    if (!ec.name) causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: `${path}.name` });
    else if (!dnsLabel.test(ec.name) || ec.name.length > 63) {
      causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(ec.name)}: a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`, field: `${path}.name` });
    } else if (seen.has(ec.name)) causes.push({ reason: 'FieldValueDuplicate', message: `Duplicate value: ${JSON.stringify(ec.name)}`, field: `${path}.name` });
    if (ec.name) seen.add(ec.name);
    if (!ec.image) causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: `${path}.image` });
    for (const f of forbidden) {
      const v = ec[f];
      if (v !== undefined && v !== null && !(typeof v === 'object' && Object.keys(v).length === 0)) {
        causes.push({ reason: 'FieldValueForbidden', message: 'Forbidden: cannot be set for an Ephemeral Container', field: `${path}.${f}` });
      }
    }
    (ec.volumeMounts ?? []).forEach((m: K8sObject, j: number) => {
      for (const f of ['subPath', 'subPathExpr']) {
        if (m[f]) causes.push({ reason: 'FieldValueForbidden', message: 'Forbidden: cannot be set for an Ephemeral Container', field: `${path}.volumeMounts[${j}].${f}` });
      }
    });
    if (ec.targetContainerName && !regular.includes(ec.targetContainerName)) {
      causes.push({ reason: 'FieldValueNotFound', message: `Not found: ${JSON.stringify(ec.targetContainerName)}`, field: `${path}.targetContainerName` });
    }
  });
  // Ephemeral containers may not be removed or changed once added.
  const byName = new Map(next.map((ec, i) => [ec.name, { ec, i }]));
  for (const o of old) {
    const n = byName.get(o.name);
    if (!n) causes.push({ reason: 'FieldValueForbidden', message: `Forbidden: existing ephemeral containers ${JSON.stringify(o.name)} may not be removed\n`, field: 'spec.ephemeralContainers' });
    else if (!semanticEqual(n.ec, o)) causes.push({ reason: 'FieldValueForbidden', message: `Forbidden: existing ephemeral containers ${JSON.stringify(o.name)} may not be changed\n`, field: `spec.ephemeralContainers[${n.i}]` });
  }
  return causes;
}

/** The defaults the API server gives a container, so what comes back looks like a cluster's. */
function defaulted(ec: K8sObject): K8sObject {
  const c = structuredClone(ec);
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  c.imagePullPolicy ??= c.image?.endsWith(':latest') || !c.image?.includes(':') ? 'Always' : 'IfNotPresent';
  return c;
}

export async function handleEphemeralContainers(req: IncomingMessage, res: ServerResponse, info: RequestInfo, ctx: ApiContext): Promise<void> {
  const old = ctx.store.mustGet('pods', '', info.namespace, info.name!);
  if (req.method === 'GET') return sendJson(res, 200, old);
  if (req.method !== 'PUT' && req.method !== 'PATCH') throw methodNotAllowed();
  const { dryRun, fieldValidation } = writeOptions(info, req.method === 'PUT' ? 'UpdateOptions' : 'PatchOptions');
  const body = await readBody(req);
  const doc: K8sObject = parseJson(body.toString('utf8'), req.method === 'PUT' ? 'error decoding body' : 'error decoding patch');
  const wanted: K8sObject = req.method === 'PUT' ? doc : applyPatch(req.headers['content-type'] ?? '', old, doc);
  if (!wanted?.metadata || (wanted.metadata.name ?? info.name) !== info.name) throw badRequest('the name of the object does not match the name on the URL');
  const warnings = decode('Pod', wanted, fieldValidation, req.method === 'PUT' ? 'body' : 'patch');
  const rv = wanted.metadata.resourceVersion;
  if (rv && rv !== old.metadata.resourceVersion) throw conflict('pods', '', info.name!);
  const oldList: K8sObject[] = old.spec?.ephemeralContainers ?? [];
  const newList: K8sObject[] = (wanted.spec?.ephemeralContainers ?? []).map((ec: K8sObject) => {
    const prev = oldList.find((o) => o.name === ec.name);
    return prev && semanticEqual(defaulted(ec), prev) ? prev : defaulted(ec);
  });
  const causes = ephemeralCauses(newList, oldList, old);
  if (causes.length) throw invalid('Pod', '', info.name!, causes);
  // Only the ephemeral containers change; everything else is the stored pod's.
  const next = structuredClone(old);
  next.spec.ephemeralContainers = newList;
  if (newList.length === 0) delete next.spec.ephemeralContainers;
  sendWithWarnings(res, 200, ctx.store.update('pods', next, { dryRun }, ''), warnings);
}
