// From a pod's container (image, command, securityContext, volumes) to what nsexec.py runs: argv
// as Kubernetes combines command/args with the image's ENTRYPOINT/CMD, the env, the user, the
// capabilities a container runtime grants, and the mounts of its root filesystem.
import { join } from 'node:path';
import type { ResolvedImage } from './images.ts';
import { imagePath } from './images.ts';
import { hiddenTrees, hostLibraryDirs } from './imageRoot.ts';

export interface SecurityContext {
  runAsUser?: number;
  runAsGroup?: number;
  runAsNonRoot?: boolean;
  supplementalGroups?: number[];
  fsGroup?: number;
  privileged?: boolean;
  allowPrivilegeEscalation?: boolean;
  capabilities?: { add?: string[]; drop?: string[] };
}

// containerd's default set (the OCI spec's default capabilities).
export const defaultCapabilities = ['CHOWN', 'DAC_OVERRIDE', 'FSETID', 'FOWNER', 'MKNOD', 'NET_RAW', 'SETGID', 'SETUID', 'SETFCAP',
  'SETPCAP', 'NET_BIND_SERVICE', 'SYS_CHROOT', 'KILL', 'AUDIT_WRITE'];
const allCapabilities = ['CHOWN', 'DAC_OVERRIDE', 'DAC_READ_SEARCH', 'FOWNER', 'FSETID', 'KILL', 'SETGID', 'SETUID', 'SETPCAP',
  'LINUX_IMMUTABLE', 'NET_BIND_SERVICE', 'NET_BROADCAST', 'NET_ADMIN', 'NET_RAW', 'IPC_LOCK', 'IPC_OWNER', 'SYS_MODULE',
  'SYS_RAWIO', 'SYS_CHROOT', 'SYS_PTRACE', 'SYS_PACCT', 'SYS_ADMIN', 'SYS_BOOT', 'SYS_NICE', 'SYS_RESOURCE', 'SYS_TIME',
  'SYS_TTY_CONFIG', 'MKNOD', 'LEASE', 'AUDIT_WRITE', 'AUDIT_CONTROL', 'SETFCAP', 'MAC_OVERRIDE', 'MAC_ADMIN', 'SYSLOG',
  'WAKE_ALARM', 'BLOCK_SUSPEND', 'AUDIT_READ', 'PERFMON', 'BPF', 'CHECKPOINT_RESTORE'];

const capName = (c: string) => c.toUpperCase().replace(/^CAP_/, '');

/** The bounding set: the defaults, plus `add`, minus `drop` (`ALL` drops everything not added), or all when privileged. */
export function capabilitiesOf(sc: SecurityContext): string[] {
  if (sc.privileged) return allCapabilities;
  const add = (sc.capabilities?.add ?? []).map(capName).filter((c) => allCapabilities.includes(c));
  const drop = (sc.capabilities?.drop ?? []).map(capName);
  const base = drop.includes('ALL') ? [] : defaultCapabilities.filter((c) => !drop.includes(c));
  return [...new Set([...base, ...add])];
}

/** Kubernetes' rule: command replaces ENTRYPOINT (and drops CMD), args replace CMD. */
export function argvOf(image: ResolvedImage, command?: string[], args?: string[]): string[] {
  if (command?.length) return [...command, ...(args ?? [])];
  return [...image.entrypoint, ...(args?.length ? args : image.cmd)];
}

export interface Credentials { uid: number; gid: number; groups: number[]; capabilities: string[]; noNewPrivileges: boolean }

/** runAsUser wins over the image's USER; without runAsGroup the primary group is the image user's when it is that user, else 0. */
export function credentialsOf(image: ResolvedImage, sc: SecurityContext): Credentials {
  const uid = sc.runAsUser ?? image.user.uid;
  const gid = sc.runAsGroup ?? (uid === image.user.uid ? image.user.gid : 0);
  if (sc.runAsNonRoot && uid === 0) {
    throw new Error('container has runAsNonRoot and image will run as root');
  }
  const groups = [...new Set([...(sc.supplementalGroups ?? []), ...(sc.fsGroup !== undefined ? [sc.fsGroup] : [])])];
  return { uid, gid, groups, capabilities: capabilitiesOf(sc), noNewPrivileges: sc.allowPrivilegeEscalation === false };
}

export function envOf(image: ResolvedImage, podEnv: Record<string, string>, hostname: string, home: string): Record<string, string> {
  return { PATH: imagePath(image), HOSTNAME: hostname, HOME: home, ...image.env, ...podEnv };
}

export interface Mount { kind: 'bind' | 'overlay' | 'tmpfs'; target: string; source?: string; readOnly?: boolean; lower?: string; upper?: string; work?: string; options?: string }

/**
 * The mounts over the image's overlay root: the host's libraries read-only, empty tmpfs over the
 * trees of runtimes the image lacks, the workload folder at the image's WORKDIR (an overlay, so
 * the container may write there without touching the workspace), the pod's volumes, /etc/hosts
 * and /etc/hostname, a private /tmp, and its own memory cgroup at /sys/fs/cgroup.
 */
export function mountsOf(o: {
  image: ResolvedImage; instanceDir: string; workloadDir?: string; workloadPath: string;
  volumes: { hostDir: string; mountPath: string; readOnly?: boolean }[]; hostsFile: string; hostnameFile: string;
  cgroupDir: string; cgroupVersion: 'v1' | 'v2';
}): Mount[] {
  const mounts: Mount[] = hostLibraryDirs.map((d) => ({ kind: 'bind', source: d, target: d, readOnly: true }));
  for (const hidden of hiddenTrees(o.image)) mounts.push({ kind: 'tmpfs', target: hidden, options: 'mode=755,size=4k' });
  if (o.workloadDir) {
    mounts.push({ kind: 'overlay', target: o.workloadPath, lower: o.workloadDir, upper: join(o.instanceDir, 'app-upper'), work: join(o.instanceDir, 'app-work') });
  }
  for (const v of o.volumes) mounts.push({ kind: 'bind', source: v.hostDir, target: v.mountPath, readOnly: v.readOnly });
  mounts.push({ kind: 'bind', source: o.hostsFile, target: '/etc/hosts' });
  mounts.push({ kind: 'bind', source: o.hostnameFile, target: '/etc/hostname', readOnly: true });
  mounts.push({ kind: 'tmpfs', target: '/tmp', options: 'mode=1777' });
  mounts.push({ kind: 'tmpfs', target: '/sys/fs/cgroup', options: 'mode=755,size=4k' });
  mounts.push({ kind: 'bind', source: o.cgroupDir, target: o.cgroupVersion === 'v1' ? '/sys/fs/cgroup/memory' : '/sys/fs/cgroup', readOnly: true });
  return mounts;
}
