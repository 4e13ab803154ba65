// The one guarded path for every change the extension makes to a cluster (ARCHITECTURE.md): an
// action describes its change as a ChangeSpec (what to read, how to turn the object as it is now
// into a request); this module plans it (the object before and after, on the resourceVersion
// read), runs it with dryRun=All and reports the server's answer as it came, then applies it with
// our fieldManager and the resourceVersion as a precondition, so a change planned on an object
// that changed since is a 409 the caller re-plans instead of a silent overwrite.
// The VS Code side (commands/guardedChange.ts) adds the diff, the confirmation and the log.
import type { KubeConfig } from '@kubernetes/client-node';
import { HttpStatusError, requestJson, type JsonBody, type RequestOptions } from './apiRequest.ts';
import { classify } from './clusterError.ts';
import type { KubeObject, ObjectKind } from './kubeObject.ts';
import { serverStatus, type ServerStatus } from './serverStatus.ts';

/** The fieldManager of every write: `managedFields` then says who changed what. */
export const FIELD_MANAGER = 'kube-memory-triage';

export interface ChangeTarget {
  readonly kind: ObjectKind;
  readonly namespace: string;
  readonly name: string;
  /** The API path read and then written: the object itself or a subresource (`.../scale`). */
  readonly path: string;
}

export type PatchType = 'strategic' | 'merge';

const PATCH_CONTENT_TYPES: Readonly<Record<PatchType, string>> = {
  strategic: 'application/strategic-merge-patch+json',
  merge: 'application/merge-patch+json',
};

/** What a planner makes of the object as read now. */
export type Proposal =
  /** `after`: the object as the patch leaves it (for the diff until the dry run answers). */
  | { readonly type: 'patch'; readonly patchType: PatchType; readonly patch: Readonly<Record<string, unknown>>; readonly after: KubeObject; readonly change: string }
  | { readonly type: 'delete'; readonly change: string }
  /** The change cannot be made to this object (a paused Deployment, a Job): said to the user as is. */
  | { readonly type: 'refuse'; readonly reason: string };

export interface ChangeSpec {
  /** The timeline's action name: restart, raise-limit, scale, hpa-min-replicas, delete-pod. */
  readonly action: string;
  readonly target: ChangeTarget;
  /** Called with the object as read, and again after a 409 with the object as it is then. */
  readonly plan: (current: KubeObject) => Proposal;
  /**
   * A pod the change will make the controller create (from the template the dry run returned), to
   * create with dryRun=All too: LimitRange and ResourceQuota admission judge pods only, so a
   * template over them is accepted and only its pods are refused, after the apply.
   */
  readonly podOf?: (after: KubeObject) => KubeObject | undefined;
}

export interface ChangeRequest {
  readonly method: 'PATCH' | 'DELETE' | 'POST';
  readonly path: string;
  readonly body: JsonBody;
}

export interface PlannedChange {
  readonly spec: ChangeSpec;
  readonly before: KubeObject;
  /** undefined: the object is deleted. */
  readonly after: KubeObject | undefined;
  /** The change in words: "template annotation kubectl.kubernetes.io/restartedAt = ...". */
  readonly change: string;
  readonly request: ChangeRequest;
  /** The version the plan was made on; the write carries it as a precondition. */
  readonly resourceVersion: string;
}

export type PlanResult = { readonly ok: true; readonly plan: PlannedChange } | { readonly ok: false; readonly reason: string };

/** A write's answer: the object as the server returned it, or its Status; warnings either way. */
export type ServerAnswer =
  | { readonly ok: true; readonly object: KubeObject | undefined; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly status: ServerStatus; readonly warnings: readonly string[] };

/** Reads the target and asks its planner; a read that fails throws a ClusterError. */
export async function planChange(kc: KubeConfig, spec: ChangeSpec, options: RequestOptions = {}): Promise<PlanResult> {
  const before = await read(kc, spec.target, options);
  const resourceVersion = before.metadata?.resourceVersion;
  if (typeof resourceVersion !== 'string' || resourceVersion === '') {
    return { ok: false, reason: `${spec.target.kind} ${spec.target.namespace}/${spec.target.name} came without a resourceVersion; nothing can be changed safely.` };
  }
  const proposal = spec.plan(before);
  if (proposal.type === 'refuse') return { ok: false, reason: proposal.reason };
  const path = spec.target.path;
  if (proposal.type === 'delete') {
    const body = { apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: 'Background', preconditions: { uid: before.metadata?.uid, resourceVersion } };
    return { ok: true, plan: { spec, before, after: undefined, change: proposal.change, resourceVersion, request: { method: 'DELETE', path, body: { value: body } } } };
  }
  // The precondition: the server refuses (409) a patch whose resourceVersion is not the current one.
  const patch = { ...proposal.patch, metadata: { ...(proposal.patch.metadata as object | undefined), resourceVersion } };
  const request: ChangeRequest = { method: 'PATCH', path, body: { value: patch, contentType: PATCH_CONTENT_TYPES[proposal.patchType] } };
  return { ok: true, plan: { spec, before, after: proposal.after, change: proposal.change, resourceVersion, request } };
}

/** The plan's request with dryRun=All: validated, admitted and defaulted by the server, stored nowhere. */
export async function dryRunChange(kc: KubeConfig, plan: PlannedChange, options: RequestOptions = {}): Promise<ServerAnswer> {
  const answer = await write(kc, plan, true, options);
  const pod = answer.ok && answer.object && plan.spec.podOf?.(answer.object);
  if (!answer.ok || !pod) return answer;
  const podPlan: PlannedChange = { ...plan, request: { method: 'POST', path: `/api/v1/namespaces/${encodeURIComponent(plan.spec.target.namespace)}/pods`, body: { value: pod } } };
  const admitted = await write(kc, podPlan, true, options);
  if (admitted.ok) return answer;
  // Not allowed to create pods: the pods' admission could not be checked; say so, do not refuse.
  if (admitted.status.code === 403 && /cannot create resource/.test(admitted.status.message)) {
    return { ...answer, warnings: [...answer.warnings, 'The pods of the new template were not dry-run (no permission to create pods): a LimitRange or ResourceQuota may still refuse them.'] };
  }
  return { ok: false, status: { ...admitted.status, message: `the new pods would be refused: ${admitted.status.message}` }, warnings: [...answer.warnings, ...admitted.warnings] };
}

/** The plan's request for real. A 409 (the object changed since the plan) comes back as `status.code` 409. */
export function applyChange(kc: KubeConfig, plan: PlannedChange, options: RequestOptions = {}): Promise<ServerAnswer> {
  return write(kc, plan, false, options);
}

/** True when the answer is the precondition failing: re-read, re-plan, ask again. */
export function isConflict(answer: ServerAnswer): boolean {
  return !answer.ok && answer.status.code === 409;
}

async function read(kc: KubeConfig, target: ChangeTarget, options: RequestOptions): Promise<KubeObject> {
  try {
    const obj = await requestJson<KubeObject>(kc, 'GET', target.path, {}, undefined, options);
    if (typeof obj.metadata !== 'object' || obj.metadata === null) throw new Error(`${target.path} answered without metadata`);
    return obj;
  } catch (err) {
    throw classify(err, { verb: 'get', resource: resourceOf(target), namespace: target.namespace });
  }
}

async function write(kc: KubeConfig, plan: PlannedChange, dryRun: boolean, options: RequestOptions): Promise<ServerAnswer> {
  const warnings: string[] = [];
  // A DELETE with a body takes its options from the body only (the server ignores the query
  // then), so there dryRun must be in the DeleteOptions or the "dry run" deletes for real.
  const isDelete = plan.request.method === 'DELETE';
  const query = { fieldManager: isDelete ? undefined : FIELD_MANAGER, dryRun: dryRun && !isDelete ? 'All' : undefined };
  const body = isDelete && dryRun ? { ...plan.request.body, value: { ...(plan.request.body.value as object), dryRun: ['All'] } } : plan.request.body;
  const onWarnings = (w: readonly string[]) => {
    warnings.push(...w);
    options.onWarnings?.(w);
  };
  try {
    const object = await requestJson<KubeObject>(kc, plan.request.method, plan.request.path, query, body, { ...options, onWarnings });
    // A delete of a Deployment answers with a Status, not the object.
    return { ok: true, object: object.kind === 'Status' ? undefined : object, warnings };
  } catch (err) {
    const status = serverStatus(err);
    if (status) return { ok: false, status, warnings };
    // Not an answer (network, timeout, credentials): the caller cannot know whether it was applied.
    throw err instanceof HttpStatusError ? err : classify(err, { verb: 'get', resource: resourceOf(plan.spec.target), namespace: plan.spec.target.namespace });
  }
}

/** "deployments", "deployments/scale": the resource (and subresource) RBAC names for the target's path. */
export function resourceOf(target: ChangeTarget): string {
  const parts = target.path.split('/');
  const at = parts.indexOf('namespaces');
  return at >= 0 ? parts.slice(at + 2).filter((_, i) => i !== 1).join('/') : target.kind;
}
