// From a pod and one of its containers (app or ephemeral) to what the runtime starts: the image,
// command and args, workingDir, env (with the downward-API names the samples read), memory limit,
// ports, the securityContext merged as the kubelet merges pod and container, and emptyDir mounts;
// and two small things the kubelet needs around a launch (a log's tail, a synthetic pod's IP).
import type { MemoryCurve } from './config.ts';
import type { ContainerLaunch } from './driver.ts';
import { memoryAnnotation, nodeName, workloadAnnotation } from './objects.ts';
import { parseQuantity } from './quantity.ts';
import { builtinImages, lookupImage, type ImageSpec } from './runtime/images.ts';
import { readFileSync } from 'node:fs';
import type { K8sObject } from './store.ts';

export interface LaunchPlan { launch: ContainerLaunch; curve?: MemoryCurve; synthetic: boolean }

function mergedSecurityContext(pod: K8sObject, c: K8sObject): ContainerLaunch['securityContext'] {
  const p = pod.spec?.securityContext ?? {};
  const s = c.securityContext ?? {};
  return {
    runAsUser: s.runAsUser ?? p.runAsUser, runAsGroup: s.runAsGroup ?? p.runAsGroup, runAsNonRoot: s.runAsNonRoot ?? p.runAsNonRoot,
    supplementalGroups: p.supplementalGroups, fsGroup: p.fsGroup,
    privileged: s.privileged, allowPrivilegeEscalation: s.allowPrivilegeEscalation, capabilities: s.capabilities,
  };
}

/** Only emptyDir volumes exist here (no storage); a mount of another kind is left out. */
function emptyDirMounts(pod: K8sObject, c: K8sObject): ContainerLaunch['volumeMounts'] {
  const emptyDirs = new Set((pod.spec?.volumes ?? []).filter((v: K8sObject) => v.emptyDir).map((v: K8sObject) => v.name));
  return (c.volumeMounts ?? []).filter((m: K8sObject) => emptyDirs.has(m.name)).map((m: K8sObject) => ({ name: m.name, mountPath: m.mountPath, readOnly: m.readOnly }));
}

/**
 * A container is a real process when its pod template names a workload folder for it or its image
 * is in the catalogue; one with a scripted memory curve, or an unknown image without a workload,
 * stays synthetic (benchmarks' thousands of pods). Ephemeral containers are always real.
 */
export function planLaunch(pod: K8sObject, name: string, podIP: string | undefined, images: Record<string, ImageSpec>, ephemeral = false): LaunchPlan | undefined {
  const list = ephemeral ? pod.spec?.ephemeralContainers ?? [] : pod.spec?.containers ?? [];
  const c = list.find((x: K8sObject) => x.name === name);
  if (!c) return undefined;
  const annotations = pod.metadata.annotations ?? {};
  const curveText = annotations[memoryAnnotation(name)];
  const workload = annotations[workloadAnnotation(name)] ?? '';
  const env: Record<string, string> = { POD_NAME: pod.metadata.name, POD_NAMESPACE: pod.metadata.namespace, NODE_NAME: nodeName };
  if (podIP) env.POD_IP = podIP;
  for (const e of c.env ?? []) if (e.value !== undefined) env[e.name] = String(e.value);
  const launch: ContainerLaunch = {
    podKey: `${pod.metadata.namespace}/${pod.metadata.name}`, container: name, workload, image: c.image,
    command: c.command, args: c.args, workingDir: c.workingDir, env,
    memoryLimitBytes: ephemeral ? undefined : parseQuantity(c.resources?.limits?.memory),
    ports: (c.ports ?? []).map((p: K8sObject) => p.containerPort),
    securityContext: mergedSecurityContext(pod, c), volumeMounts: emptyDirMounts(pod, c),
    targetContainer: ephemeral ? c.targetContainerName : undefined,
  };
  const known = !!lookupImage({ ...builtinImages, ...images }, c.image ?? '');
  const synthetic = !ephemeral && (!!curveText || (!workload && !known));
  return { launch, curve: curveText ? JSON.parse(curveText) : undefined, synthetic };
}

/** The last 256 KiB of a log file, read before the runtime recreates the container's directory. */
export function readTail(file: string | undefined): Buffer | undefined {
  if (!file) return undefined;
  try {
    const buf = readFileSync(file);
    return buf.subarray(Math.max(0, buf.length - 256 * 1024));
  } catch {
    return undefined;
  }
}

// Pods without a process (synthetic) get addresses from the upper half of the pod range; the
// container runtime gives real pods theirs from its bridge's 10.244.<k>.0/24.
let ipCounter = 0;
export function syntheticPodIP(): string {
  ipCounter++;
  return `10.244.${128 + (Math.floor(ipCounter / 250) % 120)}.${(ipCounter % 250) + 2}`;
}
