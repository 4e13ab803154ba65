// Runbook step 3 for Go, on the live process: the service's own net/http/pprof endpoint, reached
// through a port-forward. Two heap profiles, each after a forced GC (?gc=1), one at each end of
// the window; growth per site is the difference. Nothing is started in the pod.
import type { KubeConfig } from '@kubernetes/client-node';
import { getJson } from '../../cluster/apiRequest.ts';
import type { AllocationReport, PodRef } from '../../triage/model.ts';
import { CaptureError } from '../captureError.ts';
import { sleep } from '../sleep.ts';
import { liveReport } from './pprofReport.ts';
import { pprofOverPortForward } from './pprofHttp.ts';
import { PprofError, readHeapProfile, type GoSampleType } from './pprofProfile.ts';

/** GET a path on the pod's pprof port (through a port-forward); resolves with the body of a 200. */
export type PprofGet = (path: string, signal?: AbortSignal) => Promise<Uint8Array>;

export interface GoCaptureOptions {
  readonly port: number;
  readonly windowSeconds: number;
  readonly sampleType: GoSampleType;
  readonly signal?: AbortSignal;
  readonly onProgress?: (message: string, secondsLeft?: number) => void;
}

/** Pod annotations that name a pprof port: ours, and Grafana's/Pyroscope's memory scrape port. */
export const PPROF_PORT_ANNOTATIONS = ['pprof.port', 'profiles.grafana.com/memory.port'];

interface PodSpecLike {
  readonly metadata?: { readonly annotations?: Readonly<Record<string, string>> };
  readonly spec?: { readonly containers?: readonly { readonly name: string; readonly ports?: readonly { readonly name?: string; readonly containerPort: number }[] }[] };
}

/**
 * The pprof port of a container and whether the pod says so itself (an annotation, or a container
 * port named pprof), else the configured default, which only a probe can confirm.
 */
export function pprofPort(pod: PodSpecLike, container: string, fallback: number): { port: number; declared: boolean } {
  for (const key of PPROF_PORT_ANNOTATIONS) {
    const v = Number(pod.metadata?.annotations?.[key]);
    if (Number.isInteger(v) && v > 0 && v < 65536) return { port: v, declared: true };
  }
  const named = pod.spec?.containers?.find((c) => c.name === container)?.ports?.find((p) => p.name === 'pprof');
  if (named) return { port: named.containerPort, declared: true };
  return { port: fallback, declared: false };
}


async function heapProfile(get: PprofGet, opts: GoCaptureOptions, container: string): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    bytes = await get('/debug/pprof/heap?gc=1', opts.signal);
  } catch (err) {
    if (opts.signal?.aborted) throw new CaptureError('cancelled', 'Cancelled.');
    if (err instanceof CaptureError) throw err;
    throw new CaptureError('failed', `No Go heap profile from port ${opts.port} of ${container}: ${err instanceof Error ? err.message : String(err)}.`,
      'The service must serve net/http/pprof (import _ "net/http/pprof"); set its port with the pod annotation pprof.port or memoryTriage.go.pprofPort.');
  }
  try {
    readHeapProfile(bytes, opts.sampleType);
  } catch (err) {
    if (err instanceof PprofError) throw new CaptureError('failed', `Port ${opts.port} of ${container} did not answer with a Go heap profile: ${err.message}`);
    throw err;
  }
  return bytes;
}

export async function captureGoWith(get: PprofGet, pod: PodRef, container: string, opts: GoCaptureOptions): Promise<AllocationReport> {
  const window = Math.max(5, opts.windowSeconds);
  opts.onProgress?.(`taking the first heap profile from :${opts.port}/debug/pprof/heap`);
  const start = await heapProfile(get, opts, container);
  const t0 = Date.now();
  for (let left = window; left > 0; left--) {
    opts.onProgress?.('waiting for the window to pass', left);
    await sleep(1000, opts.signal);
  }
  opts.onProgress?.('taking the second heap profile');
  const end = await heapProfile(get, opts, container);
  const windowSeconds = Math.round((Date.now() - t0) / 100) / 10;
  return liveReport({ start, end, windowSeconds, pod, container, port: opts.port, sampleType: opts.sampleType });
}

export interface GoTarget {
  readonly port: number;
  readonly get: PprofGet;
}

/**
 * Whether the container serves Go's pprof, and where: a port the pod declares (annotation, a port
 * named pprof), else the configured default if a heap profile answers there. Undefined: not Go's
 * pprof (nothing listens there, or something that is not a Go heap profile).
 */
export async function findGoPprof(kc: KubeConfig, pod: PodRef, container: string, defaultPort: number, signal?: AbortSignal): Promise<GoTarget | undefined> {
  const spec = await getJson<PodSpecLike>(kc, `/api/v1/namespaces/${encodeURIComponent(pod.namespace)}/pods/${encodeURIComponent(pod.name)}`, {}, { signal, timeoutMs: 15_000 });
  const { port, declared } = pprofPort(spec, container, defaultPort);
  const get = pprofOverPortForward(kc, { namespace: pod.namespace, pod: pod.name }, port, declared ? 30_000 : 5_000);
  if (declared) return { port, get };
  try {
    readHeapProfile(await get('/debug/pprof/heap', signal));
    return { port, get: pprofOverPortForward(kc, { namespace: pod.namespace, pod: pod.name }, port) };
  } catch (err) {
    if (signal?.aborted) throw new CaptureError('cancelled', 'Cancelled.');
    // a Python or Node service: its own capture path decides (even when port-forward is not allowed)
    return undefined;
  }
}
