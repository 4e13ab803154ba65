// The parts of any Kubernetes object the guarded change path reads. Everything here came from the
// cluster, so every field is optional and checked where it is used.

export interface OwnerReference {
  readonly apiVersion?: string;
  readonly kind: string;
  readonly name: string;
  readonly uid?: string;
  readonly controller?: boolean;
}

export interface ManagedFieldsEntry {
  readonly manager?: string;
  readonly operation?: string;
  readonly time?: string;
}

export interface ObjectMeta {
  readonly name?: string;
  readonly generateName?: string;
  readonly namespace?: string;
  readonly uid?: string;
  readonly resourceVersion?: string;
  readonly generation?: number;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly ownerReferences?: readonly OwnerReference[];
  readonly managedFields?: readonly ManagedFieldsEntry[];
  readonly deletionTimestamp?: string;
}

export interface KubeObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: ObjectMeta;
  readonly spec?: any;
  readonly status?: any;
}

/** The kinds the guarded path changes or reads on the way (owner chain, scale, HPA). */
export type ObjectKind = 'Pod' | 'ReplicaSet' | 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'Job' | 'HorizontalPodAutoscaler';

/** Where an object of a kind lives in the API. */
const BASES: Readonly<Record<ObjectKind, { readonly prefix: string; readonly resource: string }>> = {
  Pod: { prefix: '/api/v1', resource: 'pods' },
  ReplicaSet: { prefix: '/apis/apps/v1', resource: 'replicasets' },
  Deployment: { prefix: '/apis/apps/v1', resource: 'deployments' },
  StatefulSet: { prefix: '/apis/apps/v1', resource: 'statefulsets' },
  DaemonSet: { prefix: '/apis/apps/v1', resource: 'daemonsets' },
  Job: { prefix: '/apis/batch/v1', resource: 'jobs' },
  HorizontalPodAutoscaler: { prefix: '/apis/autoscaling/v2', resource: 'horizontalpodautoscalers' },
};

export function isObjectKind(kind: string): kind is ObjectKind {
  return Object.hasOwn(BASES, kind);
}

// Names from the cluster end up in a URL path: a DNS subdomain never needs escaping, anything
// else is refused rather than sent somewhere unintended.
const NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

/** `/apis/apps/v1/namespaces/ns/deployments/name[/subresource]`; throws on a name that is not a valid object name. */
export function objectPath(kind: ObjectKind, namespace: string, name: string, subresource?: 'scale' | 'status'): string {
  if (!NAME.test(namespace) || !NAME.test(name)) throw new Error(`Not a valid object name: ${JSON.stringify(`${namespace}/${name}`).slice(0, 300)}`);
  const base = BASES[kind];
  return `${base.prefix}/namespaces/${namespace}/${base.resource}/${name}${subresource ? `/${subresource}` : ''}`;
}

/** `/apis/autoscaling/v2/namespaces/ns/horizontalpodautoscalers`: the list of a kind in a namespace. */
export function collectionPath(kind: ObjectKind, namespace: string): string {
  return objectPath(kind, namespace, 'x').replace(/\/x$/, '');
}

/** The owner that controls an object (controller: true), as the garbage collector and kubectl read it. */
export function controllerOf(obj: KubeObject): OwnerReference | undefined {
  const owners = obj.metadata?.ownerReferences;
  if (!Array.isArray(owners)) return undefined;
  return owners.find((o) => o && o.controller === true && typeof o.kind === 'string' && typeof o.name === 'string');
}
