// Builders for the objects the config declares, with the defaults the real API server
// fills in, so what clients read looks like what a cluster returns.
import type { ContainerConfig, DeploymentConfig, MemoryCurve, ServiceConfig } from './config.ts';
import { containersOf } from './config.ts';
import { defaultCommand } from './runtime/workloads.ts';
import type { K8sObject } from './store.ts';
import { nodeConditions } from './nodeStatus.ts';

export const nodeName = 'emulator-node';
export const nodeIP = '127.0.0.1';
/** Where a container's workload and scripted memory live on the pod template: annotations keep them visible and patchable. */
export const workloadAnnotation = (container: string) => `emulator.kube-memory-triage/workload.${container}`;
export const memoryAnnotation = (container: string) => `emulator.kube-memory-triage/memory.${container}`;

export function containerSpec(c: ContainerConfig): K8sObject {
  const resources: K8sObject = {};
  if (c.requests && Object.keys(c.requests).length) resources.requests = { ...c.requests };
  if (c.limits && Object.keys(c.limits).length) resources.limits = { ...c.limits };
  const spec: K8sObject = { name: c.name, image: c.image, resources, imagePullPolicy: 'IfNotPresent', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File' };
  if (c.env && Object.keys(c.env).length) spec.env = Object.entries(c.env).map(([name, value]) => ({ name, value: String(value) }));
  if (c.ports?.length) spec.ports = c.ports.map((p) => ({ containerPort: p, protocol: 'TCP' }));
  const command = c.command ?? (c.workload ? defaultCommand(c.workload) : undefined);
  if (command?.length) spec.command = [...command];
  if (c.args?.length) spec.args = [...c.args];
  if (c.workingDir) spec.workingDir = c.workingDir;
  if (c.securityContext) spec.securityContext = structuredClone(c.securityContext);
  if (c.volumeMounts?.length) spec.volumeMounts = c.volumeMounts.map((m) => ({ ...m }));
  return spec;
}

export function runtimeAnnotations(containers: ContainerConfig[], curve?: MemoryCurve): Record<string, string> {
  const a: Record<string, string> = {};
  for (const c of containers) {
    if (c.workload) a[workloadAnnotation(c.name)] = c.workload;
    const memory = c.memory ?? curve;
    if (memory) a[memoryAnnotation(c.name)] = JSON.stringify(memory);
  }
  return a;
}

export function podSpec(containers: ContainerConfig[], restartPolicy = 'Always', owner?: Pick<DeploymentConfig, 'securityContext' | 'volumes'>): K8sObject {
  const spec: K8sObject = {
    containers: containers.map(containerSpec),
    restartPolicy,
    terminationGracePeriodSeconds: 30,
    dnsPolicy: 'ClusterFirst',
    serviceAccountName: 'default',
    serviceAccount: 'default',
    securityContext: structuredClone(owner?.securityContext ?? {}),
    schedulerName: 'default-scheduler',
  };
  if (owner?.volumes?.length) spec.volumes = structuredClone(owner.volumes);
  return spec;
}

export function deploymentObject(d: DeploymentConfig): K8sObject {
  const containers = containersOf(d);
  const labels = d.labels ?? { app: d.name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: d.name, namespace: d.namespace ?? 'default', labels: { ...labels }, annotations: { ...d.annotations } },
    spec: {
      replicas: d.replicas ?? 1,
      selector: { matchLabels: { ...labels } },
      template: {
        metadata: { labels: { ...labels }, annotations: runtimeAnnotations(containers) },
        spec: podSpec(containers, d.restartPolicy, d),
      },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
    },
    status: {},
  };
}

export function statefulSetObject(d: DeploymentConfig): K8sObject {
  const containers = containersOf(d);
  const labels = d.labels ?? { app: d.name };
  return {
    apiVersion: 'apps/v1', kind: 'StatefulSet',
    metadata: { name: d.name, namespace: d.namespace ?? 'default', labels: { ...labels }, annotations: { ...d.annotations } },
    spec: {
      replicas: d.replicas ?? 1, serviceName: d.serviceName ?? d.name, selector: { matchLabels: { ...labels } },
      template: { metadata: { labels: { ...labels }, annotations: runtimeAnnotations(containers) }, spec: podSpec(containers, d.restartPolicy, d) },
      podManagementPolicy: 'OrderedReady', updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } }, revisionHistoryLimit: 10,
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
    },
    status: {},
  };
}

export function daemonSetObject(d: DeploymentConfig): K8sObject {
  const containers = containersOf(d);
  const labels = d.labels ?? { app: d.name };
  return {
    apiVersion: 'apps/v1', kind: 'DaemonSet',
    metadata: { name: d.name, namespace: d.namespace ?? 'default', labels: { ...labels }, annotations: { ...d.annotations } },
    spec: {
      selector: { matchLabels: { ...labels } },
      template: { metadata: { labels: { ...labels }, annotations: runtimeAnnotations(containers) }, spec: podSpec(containers, d.restartPolicy, d) },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } }, revisionHistoryLimit: 10,
    },
    status: {},
  };
}

export function barePodObject(d: DeploymentConfig, curve?: MemoryCurve): K8sObject {
  const containers = containersOf(d);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: d.name, namespace: d.namespace ?? 'default', labels: { ...d.labels }, annotations: { ...d.annotations, ...runtimeAnnotations(containers, curve) } },
    spec: { ...podSpec(containers, d.restartPolicy, d), nodeName },
    status: { phase: 'Pending', qosClass: qosClass(containers.map(containerSpec)) },
  };
}

export function namespaceObject(name: string): K8sObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name } }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } };
}

export function nodeObject(): K8sObject {
  return {
    apiVersion: 'v1', kind: 'Node',
    metadata: { name: nodeName, labels: { 'kubernetes.io/hostname': nodeName, 'kubernetes.io/os': 'linux', 'node-role.kubernetes.io/control-plane': '' } },
    spec: {},
    status: {
      addresses: [{ type: 'InternalIP', address: nodeIP }, { type: 'Hostname', address: nodeName }],
      conditions: nodeConditions(),
      nodeInfo: { kubeletVersion: 'v1.33.0', containerRuntimeVersion: 'emulator://1.0', osImage: 'kube-memory-triage emulator', operatingSystem: 'linux', architecture: 'amd64' },
      capacity: { cpu: '2', memory: '24Gi', pods: '110' },
      // capacity less the kubelet's default hard eviction threshold (memory.available<100Mi)
      allocatable: { cpu: '2', memory: '25063424Ki', pods: '110' },
    },
  };
}

let nextClusterIP = 10;
export function serviceObject(s: ServiceConfig): K8sObject {
  return {
    apiVersion: 'v1', kind: 'Service',
    metadata: { name: s.name, namespace: s.namespace ?? 'default', labels: { ...s.labels } },
    spec: {
      type: 'ClusterIP', clusterIP: s.headless ? 'None' : `10.96.0.${nextClusterIP++}`,
      selector: s.selector ? { ...s.selector } : undefined,
      ports: s.ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.targetPort ?? p.port, protocol: 'TCP' })),
    },
    status: { loadBalancer: {} },
  };
}

/** The kubelet's QoS class: Guaranteed when every container's requests equal its limits for cpu and memory. */
export function qosClass(containers: K8sObject[]): string {
  let anySet = false;
  let guaranteed = true;
  for (const c of containers) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    if (Object.keys(req).length || Object.keys(lim).length) anySet = true;
    for (const r of ['cpu', 'memory']) if (!lim[r] || (req[r] ?? lim[r]) !== lim[r]) guaranteed = false;
  }
  if (!anySet) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}
