// The resource types the emulator serves, with what discovery advertises for each.
// One table feeds discovery, routing, RBAC messages and list kinds.

export interface ResourceType {
  resource: string;
  kind: string;
  group: string;
  version: string;
  namespaced: boolean;
  singular: string;
  shortNames?: string[];
  categories?: string[];
  verbs: string[];
  subresources: { name: string; kind: string; group?: string; version?: string; verbs: string[] }[];
}

const rw = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export const resourceTypes: ResourceType[] = [
  { resource: 'namespaces', kind: 'Namespace', group: '', version: 'v1', namespaced: false, singular: 'namespace', shortNames: ['ns'], verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], subresources: [] },
  { resource: 'nodes', kind: 'Node', group: '', version: 'v1', namespaced: false, singular: 'node', shortNames: ['no'], verbs: ['get', 'list', 'watch'], subresources: [] },
  {
    resource: 'pods', kind: 'Pod', group: '', version: 'v1', namespaced: true, singular: 'pod', shortNames: ['po'], categories: ['all'], verbs: rw,
    subresources: [
      { name: 'ephemeralcontainers', kind: 'Pod', verbs: ['get', 'patch', 'update'] },
      { name: 'exec', kind: 'PodExecOptions', verbs: ['create', 'get'] },
      { name: 'log', kind: 'Pod', verbs: ['get'] },
      { name: 'portforward', kind: 'PodPortForwardOptions', verbs: ['create', 'get'] },
      { name: 'status', kind: 'Pod', verbs: ['get', 'patch', 'update'] },
    ],
  },
  { resource: 'events', kind: 'Event', group: '', version: 'v1', namespaced: true, singular: 'event', shortNames: ['ev'], verbs: rw, subresources: [] },
  {
    resource: 'services', kind: 'Service', group: '', version: 'v1', namespaced: true, singular: 'service', shortNames: ['svc'], categories: ['all'], verbs: rw,
    subresources: [{ name: 'proxy', kind: 'ServiceProxyOptions', verbs: ['create', 'delete', 'get', 'patch', 'update'] }],
  },
  {
    resource: 'deployments', kind: 'Deployment', group: 'apps', version: 'v1', namespaced: true, singular: 'deployment', shortNames: ['deploy'], categories: ['all'], verbs: rw,
    subresources: [
      { name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] },
      { name: 'status', kind: 'Deployment', verbs: ['get', 'patch', 'update'] },
    ],
  },
  {
    resource: 'replicasets', kind: 'ReplicaSet', group: 'apps', version: 'v1', namespaced: true, singular: 'replicaset', shortNames: ['rs'], categories: ['all'], verbs: rw,
    subresources: [
      { name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] },
      { name: 'status', kind: 'ReplicaSet', verbs: ['get', 'patch', 'update'] },
    ],
  },
  {
    resource: 'statefulsets', kind: 'StatefulSet', group: 'apps', version: 'v1', namespaced: true, singular: 'statefulset', shortNames: ['sts'], categories: ['all'], verbs: rw,
    subresources: [
      { name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] },
      { name: 'status', kind: 'StatefulSet', verbs: ['get', 'patch', 'update'] },
    ],
  },
  {
    resource: 'daemonsets', kind: 'DaemonSet', group: 'apps', version: 'v1', namespaced: true, singular: 'daemonset', shortNames: ['ds'], categories: ['all'], verbs: rw,
    subresources: [{ name: 'status', kind: 'DaemonSet', verbs: ['get', 'patch', 'update'] }],
  },
  { resource: 'limitranges', kind: 'LimitRange', group: '', version: 'v1', namespaced: true, singular: 'limitrange', shortNames: ['limits'], verbs: rw, subresources: [] },
  {
    resource: 'resourcequotas', kind: 'ResourceQuota', group: '', version: 'v1', namespaced: true, singular: 'resourcequota', shortNames: ['quota'], verbs: rw,
    subresources: [{ name: 'status', kind: 'ResourceQuota', verbs: ['get', 'patch', 'update'] }],
  },
  {
    resource: 'horizontalpodautoscalers', kind: 'HorizontalPodAutoscaler', group: 'autoscaling', version: 'v2', namespaced: true, singular: 'horizontalpodautoscaler', shortNames: ['hpa'], categories: ['all'], verbs: rw,
    subresources: [{ name: 'status', kind: 'HorizontalPodAutoscaler', verbs: ['get', 'patch', 'update'] }],
  },
  { resource: 'pods', kind: 'PodMetrics', group: 'metrics.k8s.io', version: 'v1beta1', namespaced: true, singular: '', verbs: ['get', 'list'], subresources: [] },
  { resource: 'nodes', kind: 'NodeMetrics', group: 'metrics.k8s.io', version: 'v1beta1', namespaced: false, singular: '', verbs: ['get', 'list'], subresources: [] },
];

export function findType(group: string, version: string, resource: string): ResourceType | undefined {
  return resourceTypes.find((t) => t.group === group && t.version === version && t.resource === resource);
}

export function typeOfKind(kind: string): ResourceType | undefined {
  return resourceTypes.find((t) => t.kind === kind && t.group !== 'metrics.k8s.io');
}

export function apiVersionOf(t: ResourceType): string {
  return t.group ? `${t.group}/${t.version}` : t.version;
}

export const groupVersions: { group: string; version: string }[] = [
  { group: 'apps', version: 'v1' },
  { group: 'autoscaling', version: 'v2' },
  { group: 'metrics.k8s.io', version: 'v1beta1' },
];
