// What the API server does to a written object (deployments, replica sets, pods, services,
// namespaces, scales) before storing it: decoding (bad quantities, unknown fields per the
// fieldValidation directive, canonical quantities), then validation with the real field paths and
// phrasing, so a bad write fails the way it would on a cluster.
import { dns1035LabelErrors, dnsLabelErrors, dnsSubdomainErrors, labelValueErrors, qualifiedNameErrors } from './nameSyntax.ts';
import type { ResourceType } from './registry.ts';
import { type Cause, ApiError, badRequest, failure, invalid } from './status.ts';
import { canonicalQuantity, parseQuantity } from './quantity.ts';
import { dropUnknownFields } from './schema.ts';
import type { K8sObject } from './store.ts';

const quantityRegex = "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

/** Every quantity a pod spec holds, as [map, key]: container and pod-level resources, overhead, emptyDir sizes. */
function quantitySlots(spec: K8sObject | undefined): [K8sObject, string][] {
  const maps: unknown[] = [spec?.overhead, spec?.resources?.limits, spec?.resources?.requests];
  for (const list of ['containers', 'initContainers', 'ephemeralContainers']) {
    for (const c of spec?.[list] ?? []) maps.push(c?.resources?.limits, c?.resources?.requests);
  }
  const slots: [K8sObject, string][] = [];
  for (const m of maps) if (m && typeof m === 'object') for (const key of Object.keys(m)) slots.push([m as K8sObject, key]);
  for (const v of spec?.volumes ?? []) if (v?.emptyDir?.sizeLimit !== undefined) slots.push([v.emptyDir, 'sizeLimit']);
  return slots;
}

/**
 * The typed decoding a body or a patched object goes through: a bad quantity fails it; unknown fields
 * are dropped, and under `Strict` fail it (400; a body's message names the kind, a patch's does not),
 * under `Warn` each becomes a warning (returned), under `Ignore` nothing; quantities are rewritten in
 * their canonical form ("2048Mi" -> "2Gi"), as the server stores and returns them.
 */
export function decode(kind: string, obj: K8sObject, directive: FieldValidation, from: 'body' | 'patch'): string[] {
  const podSpec = () => (kind === 'Pod' ? obj.spec : kind === 'Deployment' || kind === 'ReplicaSet' || kind === 'StatefulSet' || kind === 'DaemonSet' ? obj.spec?.template?.spec : undefined);
  for (const [map, key] of quantitySlots(podSpec())) {
    if (canonicalQuantity(map[key]) === undefined) {
      throw new ApiError(failure(400, 'BadRequest', `${kind} in version "v1" cannot be handled as a ${kind}: quantities must match the regular expression ${quantityRegex}`));
    }
  }
  const unknown = dropUnknownFields(kind, obj).map((path) => `unknown field "${path}"`);
  if (unknown.length && directive === 'Strict') {
    const message = `strict decoding error: ${unknown.join(', ')}`;
    throw badRequest(from === 'body' ? `${kind} in version "v1" cannot be handled as a ${kind}: ${message}` : message);
  }
  canonicalQuantities(podSpec());
  return directive === 'Warn' ? unknown : [];
}

function canonicalQuantities(spec: K8sObject | undefined): void {
  for (const [map, key] of quantitySlots(spec)) map[key] = canonicalQuantity(map[key]) ?? map[key];
}

function podSpecCauses(spec: K8sObject | undefined, path: string): Cause[] {
  const causes: Cause[] = [];
  const containers: K8sObject[] = spec?.containers ?? [];
  if (containers.length === 0) causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: `${path}.containers` });
  containers.forEach((c, i) => {
    const p = `${path}.containers[${i}]`;
    if (!c.name) causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: `${p}.name` });
    if (!c.image) causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: `${p}.image` });
    for (const r of ['memory', 'cpu']) {
      const req = c.resources?.requests?.[r];
      const lim = c.resources?.limits?.[r];
      if (req !== undefined && lim !== undefined && parseQuantity(req)! > parseQuantity(lim)!) {
        causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: "${req}": must be less than or equal to ${r} limit of ${lim}`, field: `${p}.resources.requests` });
      }
    }
  });
  return causes;
}

/** Sorted keys, no nulls, no empty maps or lists: the same value for Go's semantic equality, whoever wrote it. */
function normalized(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalized);
  if (value === null || typeof value !== 'object') return value;
  const out: K8sObject = {};
  for (const key of Object.keys(value).sort()) {
    const v = normalized((value as K8sObject)[key]);
    if (v === null || v === undefined || (typeof v === 'object' && Object.keys(v).length === 0)) continue;
    out[key] = v;
  }
  return out;
}

/** `- path: old` / `+ path: new` lines for what differs (the real message carries Go's cmp.Diff here). */
function differences(a: any, b: any, path: string, out: string[]): string[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return out;
  const bothObjects = a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b);
  if (bothObjects && (!Array.isArray(a) || a.length === b.length)) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) differences(a[key], b[key], Array.isArray(a) ? `${path}[${key}]` : `${path}.${key}`, out);
  } else out.push(`- ${path}: ${JSON.stringify(a) ?? '(unset)'}`, `+ ${path}: ${JSON.stringify(b) ?? '(unset)'}`);
  return out;
}

const updatablePodSpecFields = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
];

/**
 * ValidatePodUpdate: a pod's spec is fixed once created except for its containers' images (the
 * emulator allows only those; the real server also allows the other fields its message names).
 */
function podUpdateCauses(next: K8sObject, old: K8sObject): Cause[] {
  for (const list of ['containers', 'initContainers']) {
    if ((next[list]?.length ?? 0) !== (old[list]?.length ?? 0)) {
      return [{ reason: 'FieldValueForbidden', message: 'Forbidden: pod updates may not add or remove containers', field: `spec.${list}` }];
    }
  }
  const munged = structuredClone(next);
  for (const list of ['containers', 'initContainers']) munged[list]?.forEach((c: K8sObject, i: number) => { c.image = old[list][i].image; });
  // Objects seeded from the config never went through decode: compare quantities by value.
  const current = structuredClone(old);
  canonicalQuantities(current);
  const before = normalized(current);
  const after = normalized(munged);
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  const diff = differences(before, after, 'spec', []).join('\n');
  return [{ reason: 'FieldValueForbidden', message: `Forbidden: pod updates may not change fields other than ${updatablePodSpecFields.join(',')}\n${diff}`, field: 'spec' }];
}

/** ValidateLabels / ValidateAnnotations: one cause per broken rule, keys then values, as the real lists are built. */
function labelCauses(labels: unknown, annotations: unknown, path: string): Cause[] {
  const causes: Cause[] = [];
  const bad = (field: string, value: string, detail: string) => causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(value)}: ${detail}`, field });
  for (const [k, v] of Object.entries(labels && typeof labels === 'object' ? labels : {})) {
    for (const m of qualifiedNameErrors(k)) bad(`${path}.labels`, k, m);
    for (const m of labelValueErrors(String(v))) bad(`${path}.labels`, String(v), m);
  }
  const notes = Object.entries(annotations && typeof annotations === 'object' ? annotations : {});
  // Annotation keys are qualified names whatever their case.
  for (const [k] of notes) for (const m of qualifiedNameErrors(k.toLowerCase())) bad(`${path}.annotations`, k, m);
  if (notes.reduce((n, [k, v]) => n + k.length + String(v).length, 0) > 256 * 1024) {
    causes.push({ reason: 'FieldValueTooLong', message: 'Too long: may not be more than 262144 bytes', field: `${path}.annotations` });
  }
  return causes;
}

/** The name rule each kind's strategy applies (pods and workloads: DNS subdomain; services: DNS-1035; namespaces: DNS label). */
const nameRules: Record<string, (name: string) => string[]> = {
  pods: dnsSubdomainErrors, deployments: dnsSubdomainErrors, replicasets: dnsSubdomainErrors, statefulsets: dnsSubdomainErrors, daemonsets: dnsSubdomainErrors, services: dns1035LabelErrors, namespaces: dnsLabelErrors,
};

/** ValidateObjectMeta on create, ValidateObjectMetaUpdate on update (a uid may not change: a patch meets this, 422). */
function metadataCauses(resource: string, meta: K8sObject, old: K8sObject | undefined): Cause[] {
  const causes: Cause[] = [];
  const rule = old ? undefined : nameRules[resource];
  // A generateName is checked as a prefix: a trailing '-' (with the character before it) stands in for "a".
  if (rule && meta.generateName) for (const m of rule(meta.generateName.length > 1 && meta.generateName.endsWith('-') ? `${meta.generateName.slice(0, -2)}a` : meta.generateName)) causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(meta.generateName)}: ${m}`, field: 'metadata.generateName' });
  if (rule && meta.name) for (const m of rule(meta.name)) causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(meta.name)}: ${m}`, field: 'metadata.name' });
  causes.push(...labelCauses(meta.labels, meta.annotations, 'metadata'));
  if (old && meta.uid && meta.uid !== old.metadata?.uid) causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(meta.uid)}: field is immutable`, field: 'metadata.uid' });
  return causes;
}

/**
 * A PUT whose body carries a uid makes it a storage precondition, checked before anything else: another
 * uid is 409 with etcd's StorageError text. (A patch has no precondition; its uid change is a 422 above.)
 */
export function checkUidPrecondition(type: ResourceType, body: K8sObject, stored: K8sObject): void {
  const uid = body.metadata?.uid;
  if (!uid || uid === stored.metadata.uid) return;
  const { namespace, name } = stored.metadata;
  const dir = type.resource === 'services' ? 'services/specs' : type.resource === 'nodes' ? 'minions' : type.resource;
  const key = `/registry/${dir}/${namespace ? `${namespace}/` : ''}${name}`;
  const qualified = type.group ? `${type.resource}.${type.group}` : type.resource;
  const message = `Operation cannot be fulfilled on ${qualified} "${name}": StorageError: invalid object, Code: 4, Key: ${key}, ResourceVersion: 0, AdditionalErrorMsg: Precondition failed: UID in precondition: ${uid}, UID in object meta: ${stored.metadata.uid}`;
  throw new ApiError(failure(409, 'Conflict', message, { name, ...(type.group ? { group: type.group } : {}), kind: type.resource }));
}

export function validate(resource: string, obj: K8sObject, old?: K8sObject): void {
  const kind = obj.kind ?? resource;
  const name = obj.metadata?.name ?? '';
  const group = ['deployments', 'replicasets', 'statefulsets', 'daemonsets'].includes(resource) ? 'apps' : '';
  const causes = metadataCauses(resource, obj.metadata ?? {}, old);
  if (resource === 'pods') {
    causes.push(...podSpecCauses(obj.spec, 'spec'));
    if (old) causes.push(...podUpdateCauses(obj.spec ?? {}, old.spec ?? {}));
  } else if (['deployments', 'replicasets', 'statefulsets', 'daemonsets'].includes(resource)) causes.push(...workloadCauses(obj, old));
  // The real list holds each metadata error twice (common and per-kind checks); its message shows it once.
  const unique = causes.filter((c, i) => causes.findIndex((d) => d.field === c.field && d.message === c.message) === i);
  if (unique.length) throw invalid(kind, group, name, unique);
}

function workloadCauses(obj: K8sObject, old: K8sObject | undefined): Cause[] {
  const causes: Cause[] = [];
  const replicas = obj.spec?.replicas;
  if (replicas !== undefined && (!Number.isInteger(replicas) || replicas < 0)) {
    causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${replicas}: must be greater than or equal to 0`, field: 'spec.replicas' });
  }
  const selector = obj.spec?.selector?.matchLabels ?? {};
  const labels = obj.spec?.template?.metadata?.labels ?? {};
  if (Object.keys(selector).length === 0) causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.selector' });
  else if (!Object.entries(selector).every(([k, v]) => labels[k] === v)) {
    causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(labels)}: \`selector\` does not match template \`labels\``, field: 'spec.template.metadata.labels' });
  }
  if (old && JSON.stringify(old.spec?.selector) !== JSON.stringify(obj.spec?.selector)) {
    causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(obj.spec?.selector)}: field is immutable`, field: 'spec.selector' });
  }
  // ValidatePodTemplateSpec names these spec.template.labels / .annotations (no "metadata").
  causes.push(...labelCauses(obj.spec?.template?.metadata?.labels, obj.spec?.template?.metadata?.annotations, 'spec.template'));
  causes.push(...podSpecCauses(obj.spec?.template?.spec, 'spec.template.spec'));
  return causes;
}

/** What the real server defaults on a created Deployment, so later reads look normal. */
export function defaultDeployment(d: K8sObject): void {
  d.spec ??= {};
  d.spec.replicas ??= 1;
  d.spec.strategy ??= { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } };
  d.spec.revisionHistoryLimit ??= 10;
  d.spec.progressDeadlineSeconds ??= 600;
  defaultTemplate(d);
}

/** The pod template defaults every workload kind gets. */
export function defaultTemplate(d: K8sObject): void {
  d.spec ??= {};
  d.spec.template ??= {};
  d.spec.template.metadata ??= {};
  const spec = (d.spec.template.spec ??= {});
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.schedulerName ??= 'default-scheduler';
  for (const c of spec.containers ?? []) {
    c.imagePullPolicy ??= c.image?.endsWith(':latest') || !c.image?.includes(':') ? 'Always' : 'IfNotPresent';
    c.resources ??= {};
    c.terminationMessagePath ??= '/dev/termination-log';
    c.terminationMessagePolicy ??= 'File';
  }
  d.status ??= {};
}
