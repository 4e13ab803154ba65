// What the kubelet hands a runtime and gets back; shared by the container runtime and the
// process-only fallback (see driver.ts for the Runtime interface itself).
import type { SecurityContext } from './containerSpec.ts';

export interface ContainerLaunch {
  podKey: string;
  container: string;
  /** The workload folder (a name under test/cluster/workloads, or a path): the image's app code, at its WORKDIR. Empty: the image alone. */
  workload: string;
  /** The pod spec's image, looked up in the image catalogue (images.ts). */
  image?: string;
  /** The pod spec's command and args (Kubernetes semantics over the image's ENTRYPOINT/CMD). */
  command?: string[];
  args?: string[];
  workingDir?: string;
  env: Record<string, string>;
  memoryLimitBytes?: number;
  ports?: number[];
  /** The pod's securityContext merged with the container's (the container's wins). */
  securityContext?: SecurityContext;
  /** Mounts of the pod's emptyDir volumes: kept for the pod's life, shared by its containers. */
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
  /** Ephemeral containers: the container whose PID namespace this one joins (targetContainerName). */
  targetContainer?: string;
}
export interface ProcessUsage { workingSetBytes: number; rssBytes: number; usageBytes: number; cacheBytes?: number; cpuNanoCores: number }
export interface ProcessExit { exitCode: number; signal?: string; oomKilled: boolean; startedAt: Date; finishedAt: Date }
export interface ExecIO { stdin?: NodeJS.ReadableStream; stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream }
