// How we get into a live process in a pod, as a debugger would: gdb in the app container when its
// image has gdb, else an ephemeral debug container (the user's debug image) in the target's PID
// namespace. Permissions are asked first (SelfSubjectAccessReview), so a missing rule is named
// before anything is started. Used by step 3 (leaks) and step 4 (the DB pool).
import type { KubeConfig } from '@kubernetes/client-node';
import { type AccessCheck, describeCheck, missingAccess } from '../cluster/access.ts';
import { getJson } from '../cluster/apiRequest.ts';
import { DebugContainerError, ensureDebugContainer, runningDebugContainer } from '../cluster/debugContainer.ts';
import { ExecError, execInPod, type ExecOptions, type ExecResult, type ExecTarget } from '../cluster/podExec.ts';
import { CaptureError } from './captureError.ts';
import { headArgv, parseHead, pidsOf, type ContainerProcess } from './processList.ts';

export interface WayIn {
  /** The container commands run in: the app container itself or our debug container. */
  readonly container: string;
  readonly debugContainer?: { readonly name: string; readonly reused: boolean; readonly image: string };
  readonly processes: readonly ContainerProcess[];
  run(argv: readonly string[], options?: ExecOptions): Promise<ExecResult>;
  /** A path of the target's filesystem as seen where commands run. */
  targetPath(pid: number, path: string): string;
  /** gdb's sysroot for a target in another mount namespace. */
  sysroot(pid: number): string | undefined;
  /** "gdb in the container api" / "gdb in the ephemeral container kmt-debug-x (image ...)" */
  describe(): string;
  /**
   * Why the target is gone since the way was opened (its container restarted or stopped, our
   * debug container ended), or undefined when both still run. A failed exec says too little: an
   * exec into a container that ended is a bare "400" through the WebSocket.
   */
  gone(): Promise<string | undefined>;
}

export interface WayInOptions {
  readonly debugImage: string;
  /** Skip gdb in the app container (it was there, but ptrace was refused). */
  readonly forceDebugContainer?: boolean;
  readonly signal?: AbortSignal;
  readonly onStep?: (message: string) => void;
}

export async function requireAccess(kc: KubeConfig, checks: AccessCheck[], why: string, signal?: AbortSignal): Promise<void> {
  const missing = await missingAccess(kc, checks, signal);
  if (missing.length) {
    throw new CaptureError('forbidden', `${why} needs permission to ${missing.map(describeCheck).join(' and ')}.`,
      'Ask for a Role with these rules (kubectl auth can-i shows the same), or use a context that has them.');
  }
}

/** The container's processes, or undefined when its image has no `ls` or `head`. */
export async function listProcesses(run: (argv: string[]) => Promise<ExecResult>): Promise<ContainerProcess[] | undefined> {
  try {
    const ls = await run(['ls', '/proc']);
    const pids = pidsOf(ls.stdout);
    if (ls.exitCode !== 0 || pids.length === 0) return undefined;
    // none parsed (head failed, every process changed under us): the debug container may read them
    const parsed = parseHead((await run(headArgv(pids))).stdout);
    return parsed.length > 0 ? parsed : undefined;
  } catch (err) {
    if (err instanceof ExecError && err.kind === 'not-found') return undefined;
    throw err;
  }
}

async function hasGdb(run: (argv: string[]) => Promise<ExecResult>): Promise<boolean> {
  try {
    return (await run(['gdb', '--version'])).exitCode === 0;
  } catch (err) {
    if (err instanceof ExecError && err.kind === 'not-found') return false;
    throw err;
  }
}

interface Status { name: string; restartCount?: number; state?: { running?: object; terminated?: { reason?: string; exitCode?: number } }; lastState?: { terminated?: { reason?: string; exitCode?: number } } }
interface PodStatus { status?: { containerStatuses?: Status[]; ephemeralContainerStatuses?: Status[] } }

export const podStatus = (kc: KubeConfig, t: ExecTarget, signal?: AbortSignal) =>
  getJson<PodStatus>(kc, `/api/v1/namespaces/${encodeURIComponent(t.namespace)}/pods/${encodeURIComponent(t.pod)}`, {}, { signal, timeoutMs: 15_000 });

const ended = (t?: { reason?: string; exitCode?: number }) => (t ? ` (${t.reason ?? 'ended'}, exit ${t.exitCode ?? '?'})` : '');

/** What changed for the target (restarts counted at the start) and our debug container, in words. */
export function whyGone(pod: PodStatus, container: string, restartsAtStart: number | undefined, debugContainer?: string): string | undefined {
  const app = pod.status?.containerStatuses?.find((c) => c.name === container);
  if (!app) return `the container ${container} has no status`;
  if ((app.restartCount ?? 0) > (restartsAtStart ?? 0)) return `the container ${container} restarted${ended(app.lastState?.terminated)}`;
  if (!app.state?.running) return `the container ${container} is not running${ended(app.state?.terminated ?? app.lastState?.terminated)}`;
  const debug = debugContainer ? pod.status?.ephemeralContainerStatuses?.find((c) => c.name === debugContainer) : undefined;
  if (debugContainer && !debug?.state?.running) return `the debug container ${debugContainer} ended${ended(debug?.state?.terminated)}`;
  return undefined;
}

export async function openWayIn(kc: KubeConfig, target: ExecTarget, opts: WayInOptions): Promise<WayIn> {
  const { signal } = opts;
  const ns = target.namespace;
  await requireAccess(kc, [{ verb: 'get', resource: 'pods', namespace: ns }, { verb: 'create', resource: 'pods', subresource: 'exec', namespace: ns }], 'Looking into the live process', signal);
  const execIn = (container: string) => (argv: readonly string[], o: ExecOptions = {}) => execInPod(kc, { ...target, container }, argv, { signal, timeoutMs: 30_000, ...o });
  const inApp = execIn(target.container);
  const restarts = (await podStatus(kc, target, signal)).status?.containerStatuses?.find((c) => c.name === target.container)?.restartCount;
  const gone = (debugContainer?: string) => async () => whyGone(await podStatus(kc, target, signal), target.container, restarts, debugContainer);
  opts.onStep?.(`reading the processes of ${target.container}`);
  const listed = await listProcesses(inApp);
  if (!opts.forceDebugContainer && (await hasGdb(inApp))) {
    return {
      container: target.container, processes: listed ?? [], run: inApp,
      targetPath: (_pid, path) => path, sysroot: () => undefined,
      describe: () => `gdb in the container ${target.container}`, gone: gone(),
    };
  }
  const debugTarget = { namespace: ns, pod: target.pod, container: target.container, image: opts.debugImage };
  // One of ours that runs already needs no new permission: exec into it is enough.
  const running = await runningDebugContainer(kc, debugTarget, signal);
  let debug: { name: string; reused: boolean } = { name: running ?? '', reused: true };
  if (!running) {
    const why = opts.forceDebugContainer ? `ptrace was refused in ${target.container}, so an ephemeral debug container` : `The image of ${target.container} has no gdb, so an ephemeral debug container`;
    await requireAccess(kc, [{ verb: 'patch', resource: 'pods', subresource: 'ephemeralcontainers', namespace: ns }], why, signal);
    opts.onStep?.(`starting a debug container (${opts.debugImage}) beside ${target.container}`);
    try {
      debug = await ensureDebugContainer(kc, debugTarget, { signal });
    } catch (err) {
      if (err instanceof DebugContainerError) throw new CaptureError(`debug-${err.kind}`, err.message, debugHint(err, opts.debugImage));
      throw err;
    }
  }
  const inDebug = execIn(debug.name);
  if (!(await hasGdb(inDebug))) {
    throw new CaptureError('no-gdb', `The debug image ${opts.debugImage} has no gdb.`, 'Set memoryTriage.debugImage to an image with gdb and python3 (the README has a Dockerfile).');
  }
  // The debug container shares the target's PID namespace: the same PIDs, and every file of the
  // target through /proc/<pid>/root (ptrace access, which SYS_PTRACE gives).
  const processes = listed ?? (await listProcesses(inDebug)) ?? [];
  return {
    container: debug.name, debugContainer: { ...debug, image: opts.debugImage }, processes, run: inDebug,
    targetPath: (pid, path) => `/proc/${pid}/root${path}`, sysroot: (pid) => `/proc/${pid}/root`,
    describe: () => `gdb in the ephemeral container ${debug.name} (${opts.debugImage}${debug.reused ? ', reused' : ''})`,
    gone: gone(debug.name),
  };
}

function debugHint(err: DebugContainerError, image: string): string {
  switch (err.kind) {
    case 'unsupported': return 'Ephemeral containers need Kubernetes 1.23 or newer; or use an app image with gdb.';
    case 'forbidden': return 'A policy refused the debug container (RBAC, or Pod Security "baseline" forbids SYS_PTRACE). Ask for an exception, or use an app image with gdb.';
    case 'image': return `Check memoryTriage.debugImage (${image}): the node must be able to pull it.`;
    default: return 'See the pod\'s events (kubectl describe pod).';
  }
}
