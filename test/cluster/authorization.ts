// authorization.k8s.io/v1 SelfSubjectAccessReview and SelfSubjectRulesReview, answered from the
// configured denials, so `kubectl auth can-i` (and a client checking before it writes) sees what the
// requests themselves would meet. The user is treated as bound to cluster-admin less the denials,
// which is why a denial reads like RBAC's "no opinion": not allowed, not `denied`, no reason.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiContext } from './context.ts';
import type { Denial } from './faults.ts';
import { readBody, readJson, sendJson } from './http.ts';
import { resourceTypes } from './registry.ts';
import type { RequestInfo } from './request.ts';
import { badRequest, invalid, methodNotAllowed, pathNotFound } from './status.ts';
import type { K8sObject } from './store.ts';

export const authorizationGroup = 'authorization.k8s.io';
const apiVersion = `${authorizationGroup}/v1`;

/** What discovery lists for the group (the real one also has the two reviews about other users). */
export const reviewResources = [
  { name: 'selfsubjectaccessreviews', singularName: 'selfsubjectaccessreview', namespaced: false, kind: 'SelfSubjectAccessReview', verbs: ['create'] },
  { name: 'selfsubjectrulesreviews', singularName: 'selfsubjectrulesreview', namespaced: false, kind: 'SelfSubjectRulesReview', verbs: ['create'] },
];

interface Attributes { verb: string; group: string; resource: string; subresource: string; namespace?: string }

/** Faults.isDenied, widened for a review that asks about `*`: any denial it overlaps takes it. */
function deniedBy(denials: Denial[], a: Attributes): boolean {
  const fits = (rule: string, asked: string) => rule === '*' || asked === '*' || rule === asked;
  return denials.some((d) => fits(d.verb, a.verb) && fits(d.resource, a.resource) && (d.subresource ?? '') === a.subresource &&
    (d.namespace === undefined || d.namespace === a.namespace) && (d.group === undefined || d.group === a.group || a.group === '*'));
}

const str = (v: unknown) => (typeof v === 'string' ? v : '');

/** A protobuf message's length-delimited fields by number (numbers and fixed-size fields are skipped). */
function protoFields(buf: Buffer): Map<number, Buffer> {
  const out = new Map<number, Buffer>();
  let i = 0;
  const varint = () => {
    let v = 0;
    for (let shift = 0; ; shift += 7) {
      if (i >= buf.length) throw badRequest('the server rejected our request due to an error in our request: unexpected EOF');
      const b = buf[i++];
      v += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) return v;
    }
  };
  while (i < buf.length) {
    const tag = varint();
    const wire = tag % 8;
    if (wire === 2) { const len = varint(); out.set(Math.floor(tag / 8), buf.subarray(i, i + len)); i += len; }
    else if (wire === 0) varint();
    else i += wire === 1 ? 8 : 4;
  }
  return out;
}

/**
 * kubectl (a typed clientset) posts reviews as protobuf: "k8s\0" + runtime.Unknown{typeMeta, raw}. This
 * reads what a review holds (authorization/v1 generated.proto) into its JSON shape.
 */
function fromProtobuf(body: Buffer): K8sObject {
  if (body.subarray(0, 4).toString('latin1') !== 'k8s\0') throw badRequest('the server rejected our request due to an error in our request: provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]');
  const unknown = protoFields(body.subarray(4));
  const typeMeta = protoFields(unknown.get(1) ?? Buffer.alloc(0));
  const raw = protoFields(unknown.get(2) ?? Buffer.alloc(0));
  const strings = (msg: Buffer, names: string[]) => {
    const f = protoFields(msg);
    return Object.fromEntries(names.flatMap((n, i) => (f.has(i + 1) ? [[n, f.get(i + 1)!.toString('utf8')]] : [])));
  };
  const spec = protoFields(raw.get(2) ?? Buffer.alloc(0));
  const kind = typeMeta.get(2)?.toString('utf8');
  const apiVersion = typeMeta.get(1)?.toString('utf8');
  if (kind === 'SelfSubjectRulesReview') return { kind, apiVersion, spec: strings(raw.get(2) ?? Buffer.alloc(0), ['namespace']) };
  const reviewSpec: K8sObject = {};
  if (spec.has(1)) reviewSpec.resourceAttributes = strings(spec.get(1)!, ['namespace', 'verb', 'group', 'version', 'resource', 'subresource', 'name']);
  if (spec.has(2)) reviewSpec.nonResourceAttributes = strings(spec.get(2)!, ['path', 'verb']);
  return { kind, apiVersion, spec: reviewSpec };
}

function accessReview(body: K8sObject, ctx: ApiContext): K8sObject {
  const spec = body.spec ?? {};
  const res = spec.resourceAttributes ?? undefined;
  const nonRes = spec.nonResourceAttributes ?? undefined;
  if (!res === !nonRes) {
    const cause = res
      ? { field: 'spec.nonResourceAttributes', message: `Invalid value: authorization.NonResourceAttributes{Path:${JSON.stringify(str(nonRes.path))}, Verb:${JSON.stringify(str(nonRes.verb))}}: cannot be specified in combination with resourceAttributes` }
      : { field: 'spec.resourceAttributes', message: 'Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified' };
    throw invalid('SelfSubjectAccessReview', authorizationGroup, '', [{ reason: 'FieldValueInvalid', ...cause }]);
  }
  const allowed = !res || !deniedBy(ctx.faults.denials, {
    verb: str(res.verb), group: str(res.group), resource: str(res.resource), subresource: str(res.subresource), namespace: str(res.namespace) || undefined,
  });
  const status: K8sObject = { allowed };
  if (allowed) status.reason = `RBAC: allowed by ClusterRoleBinding "cluster-admin" of ClusterRole "cluster-admin" to User "${ctx.config.user}"`;
  return { kind: 'SelfSubjectAccessReview', apiVersion, metadata: { creationTimestamp: null }, spec, status };
}

/** Every served type with the verbs no denial in `namespace` takes away; cluster-admin's `*` when none applies. */
function rulesReview(body: K8sObject, ctx: ApiContext): K8sObject {
  const namespace = str(body.spec?.namespace);
  if (!namespace) throw badRequest('no namespace on request');
  const denials = ctx.faults.denials.filter((d) => d.namespace === undefined || d.namespace === namespace);
  const nonResourceRules = [{ verbs: ['*'], nonResourceURLs: ['*'] }];
  let resourceRules: K8sObject[] = [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }];
  if (denials.length) {
    const kinds = [
      ...resourceTypes.flatMap((t) => [{ group: t.group, resource: t.resource, subresource: '', verbs: t.verbs }, ...t.subresources.map((s) => ({ group: t.group, resource: t.resource, subresource: s.name, verbs: s.verbs }))]),
      ...reviewResources.map((r) => ({ group: authorizationGroup, resource: r.name, subresource: '', verbs: r.verbs })),
    ];
    resourceRules = kinds.flatMap((k) => {
      const verbs = k.verbs.filter((verb) => !deniedBy(denials, { ...k, verb, namespace }));
      return verbs.length ? [{ verbs, apiGroups: [k.group], resources: [k.subresource ? `${k.resource}/${k.subresource}` : k.resource] }] : [];
    });
  }
  return { kind: 'SelfSubjectRulesReview', apiVersion, metadata: { creationTimestamp: null }, spec: {}, status: { resourceRules, nonResourceRules, incomplete: false } };
}

export async function handleAuthorization(req: IncomingMessage, res: ServerResponse, info: RequestInfo, ctx: ApiContext): Promise<void> {
  const review = reviewResources.find((r) => r.name === info.resource);
  if (info.version !== 'v1' || !review || info.namespace !== undefined || info.name !== undefined) throw pathNotFound();
  if (req.method !== 'POST') throw methodNotAllowed();
  const protobuf = String(req.headers['content-type'] ?? '').startsWith('application/vnd.kubernetes.protobuf');
  const body = protobuf ? fromProtobuf(await readBody(req)) : await readJson(req);
  if (!body || typeof body !== 'object') throw badRequest('the server rejected our request due to an error in our request: empty body');
  if (body.kind && body.kind !== review.kind) throw badRequest(`the API version in the data (${body.apiVersion}) does not match the expected API version (${apiVersion})`);
  sendJson(res, 201, review.kind === 'SelfSubjectAccessReview' ? accessReview(body, ctx) : rulesReview(body, ctx));
}
