// Our way into a container whose image has no debugger: an ephemeral container (as `kubectl debug
// --target=<container> --profile=general` makes one) in the target's PID namespace, with SYS_PTRACE,
// from the image the user configured. Ephemeral containers cannot be removed once added, so one
// of ours that still runs is reused; a new one sleeps for a day and then ends on its own.
import type { KubeConfig } from '@kubernetes/client-node';
import { HttpStatusError, getJson, requestJson } from './apiRequest.ts';

export const DEBUG_CONTAINER_PREFIX = 'kmt-debug-';

export type DebugContainerFailure = 'unsupported' | 'forbidden' | 'invalid' | 'image' | 'exited' | 'timeout';

export class DebugContainerError extends Error {
  readonly kind: DebugContainerFailure;
  constructor(kind: DebugContainerFailure, message: string) {
    super(message);
    this.kind = kind;
  }
}

export interface DebugTarget { readonly namespace: string; readonly pod: string; readonly container: string; readonly image: string }

interface ContainerStatus { name: string; state?: { running?: object; waiting?: { reason?: string; message?: string }; terminated?: { reason?: string; exitCode?: number } } }
interface PodLike {
  spec?: { ephemeralContainers?: { name: string; image?: string; targetContainerName?: string }[] };
  status?: { ephemeralContainerStatuses?: ContainerStatus[] };
}

function statusOf(pod: PodLike, name: string): ContainerStatus | undefined {
  return pod.status?.ephemeralContainerStatuses?.find((s) => s.name === name);
}

/** One of ours for this target and image that still runs, if any. */
export function reusableDebugContainer(pod: PodLike, target: string, image: string): string | undefined {
  return (pod.spec?.ephemeralContainers ?? [])
    .filter((c) => c.name.startsWith(DEBUG_CONTAINER_PREFIX) && c.image === image && c.targetContainerName === target)
    .find((c) => statusOf(pod, c.name)?.state?.running)?.name;
}

function podPath(t: DebugTarget): string {
  return `/api/v1/namespaces/${encodeURIComponent(t.namespace)}/pods/${encodeURIComponent(t.pod)}`;
}

/** Our running debug container for this target and image on the pod now, if any (needs only get pods). */
export async function runningDebugContainer(kc: KubeConfig, t: DebugTarget, signal?: AbortSignal): Promise<string | undefined> {
  return reusableDebugContainer(await getJson<PodLike>(kc, podPath(t), {}, { signal }), t.container, t.image);
}

/** The container's name once it runs; `reused` says whether it was there already. */
export async function ensureDebugContainer(kc: KubeConfig, t: DebugTarget, opts: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<{ name: string; reused: boolean }> {
  const existing = await runningDebugContainer(kc, t, opts.signal);
  if (existing) return { name: existing, reused: true };
  const name = `${DEBUG_CONTAINER_PREFIX}${Math.random().toString(36).slice(2, 7)}`;
  const container = {
    name, image: t.image, command: ['sleep', '86400'], targetContainerName: t.container,
    securityContext: { capabilities: { add: ['SYS_PTRACE'] } }, terminationMessagePolicy: 'File', stdin: false, tty: false,
  };
  try {
    await requestJson(kc, 'PATCH', `${podPath(t)}/ephemeralcontainers`, {}, {
      value: { spec: { ephemeralContainers: [container] } }, contentType: 'application/strategic-merge-patch+json',
    }, { signal: opts.signal });
  } catch (err) {
    if (err instanceof HttpStatusError) {
      const message = (err.body as { message?: string } | undefined)?.message ?? err.message;
      if (err.statusCode === 404) throw new DebugContainerError('unsupported', `the cluster does not serve pods/ephemeralcontainers (Kubernetes before 1.23, or turned off): ${message}`);
      if (err.statusCode === 403) throw new DebugContainerError('forbidden', message);
      if (err.statusCode === 422) throw new DebugContainerError('invalid', message);
    }
    throw err;
  }
  await waitRunning(kc, t, name, opts);
  return { name, reused: false };
}

async function waitRunning(kc: KubeConfig, t: DebugTarget, name: string, opts: { signal?: AbortSignal; timeoutMs?: number }): Promise<void> {
  const deadline = Date.now() + (opts.timeoutMs ?? 90_000);
  for (;;) {
    const status = statusOf(await getJson<PodLike>(kc, podPath(t), {}, { signal: opts.signal }), name);
    const state = status?.state;
    if (state?.running) return;
    const waiting = state?.waiting;
    if (waiting?.reason && /ImagePull|ErrImage|InvalidImageName/.test(waiting.reason)) {
      throw new DebugContainerError('image', `the debug image ${t.image} cannot be pulled (${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''})`);
    }
    if (state?.terminated) throw new DebugContainerError('exited', `the debug container ${name} ended at once (${state.terminated.reason ?? 'exit'} ${state.terminated.exitCode ?? ''})`);
    if (Date.now() > deadline) throw new DebugContainerError('timeout', `the debug container ${name} did not start in time (${waiting?.reason ?? 'no status yet'})`);
    await new Promise((r) => setTimeout(r, 500));
    opts.signal?.throwIfAborted();
  }
}
