// The field names of the kinds the emulator serves (k8s.io/api v0.33), so that unknown fields are
// found the way the API server's strict JSON decoding finds them, with the same paths
// (`spec.template.spec.containers[0].resources.limit`). A field that holds a free-form map (labels,
// quantities) or a type not spelled out here (affinity, volume sources) is `open`: anything under it passes.
import type { K8sObject } from './store.ts';

type Shape = typeof open | Fields | [Shape];
interface Fields { [field: string]: Shape }

const open = '';

/** Fields named in `names` are open; `nested` adds the structured ones. */
function struct(names: string, nested: Fields = {}): Fields {
  const fields: Fields = {};
  for (const n of names.split(/\s+/).filter(Boolean)) fields[n] = open;
  return Object.assign(fields, nested);
}

const ownerReference = struct('apiVersion kind name uid controller blockOwnerDeletion');
const managedField = struct('manager operation apiVersion time fieldsType fieldsV1 subresource');
const objectMeta = struct(
  'name generateName namespace selfLink uid resourceVersion generation creationTimestamp deletionTimestamp deletionGracePeriodSeconds labels annotations finalizers',
  { ownerReferences: [ownerReference], managedFields: [managedField] },
);
const labelSelector = struct('matchLabels', { matchExpressions: [struct('key operator values')] });

const resources = struct('limits requests', { claims: [struct('name request')] });
const keyRef = struct('name key optional');
const env = struct('name value', {
  valueFrom: struct('', { fieldRef: struct('apiVersion fieldPath'), resourceFieldRef: struct('containerName resource divisor'), configMapKeyRef: keyRef, secretKeyRef: keyRef }),
});
const httpGet = struct('path port host scheme', { httpHeaders: [struct('name value')] });
const handlers = { exec: struct('command'), httpGet, tcpSocket: struct('port host') };
const probe = struct('initialDelaySeconds timeoutSeconds periodSeconds successThreshold failureThreshold terminationGracePeriodSeconds', { ...handlers, grpc: struct('port service') });
const lifecycleHandler = struct('', { ...handlers, sleep: struct('seconds') });
const profile = struct('type localhostProfile');
const securityContext = struct('privileged seLinuxOptions windowsOptions runAsUser runAsGroup runAsNonRoot readOnlyRootFilesystem allowPrivilegeEscalation procMount', {
  capabilities: struct('add drop'), seccompProfile: profile, appArmorProfile: profile,
});
const containerFields: Fields = {
  ports: [struct('name hostPort containerPort protocol hostIP')],
  envFrom: [struct('prefix', { configMapRef: struct('name optional'), secretRef: struct('name optional') })],
  env: [env],
  resources,
  resizePolicy: [struct('resourceName restartPolicy')],
  volumeMounts: [struct('name readOnly recursiveReadOnly mountPath subPath mountPropagation subPathExpr')],
  volumeDevices: [struct('name devicePath')],
  livenessProbe: probe, readinessProbe: probe, startupProbe: probe,
  lifecycle: struct('stopSignal', { postStart: lifecycleHandler, preStop: lifecycleHandler }),
  securityContext,
};
const containerNames = 'name image command args workingDir restartPolicy terminationMessagePath terminationMessagePolicy imagePullPolicy stdin stdinOnce tty';
const container = struct(containerNames, containerFields);
const ephemeralContainer = struct(`${containerNames} targetContainerName`, containerFields);
const volumeSources = 'hostPath emptyDir gcePersistentDisk awsElasticBlockStore gitRepo secret nfs iscsi glusterfs persistentVolumeClaim rbd flexVolume cinder cephfs flocker downwardAPI fc azureFile configMap vsphereVolume quobyte azureDisk photonPersistentDisk projected portworxVolume scaleIO storageos csi ephemeral image';

const podSpec = struct(
  'restartPolicy terminationGracePeriodSeconds activeDeadlineSeconds dnsPolicy nodeSelector serviceAccountName serviceAccount automountServiceAccountToken nodeName hostNetwork hostPID hostIPC shareProcessNamespace hostname subdomain affinity schedulerName priorityClassName priority runtimeClassName enableServiceLinks preemptionPolicy overhead topologySpreadConstraints setHostnameAsFQDN hostUsers',
  {
    volumes: [struct(`name ${volumeSources}`)],
    initContainers: [container], containers: [container], ephemeralContainers: [ephemeralContainer],
    securityContext: struct('seLinuxOptions windowsOptions runAsUser runAsGroup runAsNonRoot supplementalGroups supplementalGroupsPolicy fsGroup sysctls fsGroupChangePolicy seLinuxChangePolicy', { seccompProfile: profile, appArmorProfile: profile }),
    imagePullSecrets: [struct('name')],
    tolerations: [struct('key operator value effect tolerationSeconds')],
    hostAliases: [struct('ip hostnames')],
    dnsConfig: struct('nameservers searches', { options: [struct('name value')] }),
    readinessGates: [struct('conditionType')],
    os: struct('name'),
    schedulingGates: [struct('name')],
    resourceClaims: [struct('name resourceClaimName resourceClaimTemplateName')],
    resources,
  },
);

const containerState = struct('', {
  waiting: struct('reason message'), running: struct('startedAt'),
  terminated: struct('exitCode signal reason message startedAt finishedAt containerID'),
});
const containerStatus = struct('name ready restartCount image imageID containerID started allocatedResources user allocatedResourcesStatus stopSignal', {
  state: containerState, lastState: containerState, resources,
  volumeMounts: [struct('name mountPath readOnly recursiveReadOnly')],
});
const podStatus = struct('observedGeneration phase message reason nominatedNodeName hostIP podIP startTime qosClass resize', {
  conditions: [struct('type observedGeneration status lastProbeTime lastTransitionTime reason message')],
  hostIPs: [struct('ip')], podIPs: [struct('ip')],
  initContainerStatuses: [containerStatus], containerStatuses: [containerStatus], ephemeralContainerStatuses: [containerStatus],
  resourceClaimStatuses: [struct('name resourceClaimName')],
});

const template = struct('', { metadata: objectMeta, spec: podSpec });
const condition = struct('type status lastTransitionTime reason message');

function kind(spec: Fields, status: Fields): Fields {
  return struct('apiVersion kind', { metadata: objectMeta, spec, status });
}

const kinds: Record<string, Fields> = {
  Pod: kind(podSpec, podStatus),
  Deployment: kind(
    struct('replicas minReadySeconds revisionHistoryLimit paused progressDeadlineSeconds', {
      selector: labelSelector, template, strategy: struct('type', { rollingUpdate: struct('maxUnavailable maxSurge') }),
    }),
    struct('observedGeneration replicas updatedReplicas readyReplicas availableReplicas unavailableReplicas terminatingReplicas collisionCount', {
      conditions: [struct('type status lastUpdateTime lastTransitionTime reason message')],
    }),
  ),
  ReplicaSet: kind(
    struct('replicas minReadySeconds', { selector: labelSelector, template }),
    struct('replicas fullyLabeledReplicas readyReplicas availableReplicas terminatingReplicas observedGeneration', { conditions: [condition] }),
  ),
  StatefulSet: kind(
    struct('replicas serviceName podManagementPolicy revisionHistoryLimit minReadySeconds', {
      selector: labelSelector, template, volumeClaimTemplates: open,
      updateStrategy: struct('type', { rollingUpdate: struct('partition maxUnavailable') }),
      persistentVolumeClaimRetentionPolicy: struct('whenDeleted whenScaled'), ordinals: struct('start'),
    }),
    struct('observedGeneration replicas readyReplicas currentReplicas updatedReplicas currentRevision updateRevision collisionCount availableReplicas', {
      conditions: [condition],
    }),
  ),
  DaemonSet: kind(
    struct('minReadySeconds revisionHistoryLimit', {
      selector: labelSelector, template, updateStrategy: struct('type', { rollingUpdate: struct('maxUnavailable maxSurge') }),
    }),
    struct('currentNumberScheduled numberMisscheduled desiredNumberScheduled numberReady observedGeneration updatedNumberScheduled numberAvailable numberUnavailable collisionCount', {
      conditions: [condition],
    }),
  ),
  Service: kind(
    struct('selector clusterIP clusterIPs type externalIPs sessionAffinity loadBalancerIP loadBalancerSourceRanges externalName externalTrafficPolicy healthCheckNodePort publishNotReadyAddresses ipFamilies ipFamilyPolicy allocateLoadBalancerNodePorts loadBalancerClass internalTrafficPolicy trafficDistribution', {
      ports: [struct('name protocol appProtocol port targetPort nodePort')],
      sessionAffinityConfig: struct('', { clientIP: struct('timeoutSeconds') }),
    }),
    struct('', {
      loadBalancer: struct('', { ingress: [struct('ip hostname ipMode', { ports: [struct('port protocol error')] })] }),
      conditions: [struct('type status observedGeneration lastTransitionTime reason message')],
    }),
  ),
  Namespace: kind(struct('finalizers'), struct('phase', { conditions: [condition] })),
  Scale: kind(struct('replicas'), struct('replicas selector')),
};

function walk(shape: Shape, value: unknown, path: string, found: string[]): void {
  if (shape === open || value === null || typeof value !== 'object') return;
  if (Array.isArray(shape)) {
    if (Array.isArray(value)) value.forEach((item, i) => walk(shape[0], item, `${path}[${i}]`, found));
    return;
  }
  if (Array.isArray(value)) return;
  const obj = value as K8sObject;
  for (const key of Object.keys(obj)) {
    const at = path ? `${path}.${key}` : key;
    if (Object.hasOwn(shape, key)) walk(shape[key], obj[key], at, found);
    else {
      found.push(at);
      // A typed decode has nowhere to put it: the real server never stores an unknown field.
      delete obj[key];
    }
  }
}

/** Removes the fields `kind` does not have from `obj` and returns their paths; [] for kinds without a schema here. */
export function dropUnknownFields(kindName: string, obj: K8sObject): string[] {
  const found: string[] = [];
  const shape = kinds[kindName];
  if (shape) walk(shape, obj, '', found);
  return found;
}
