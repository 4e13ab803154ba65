// The way into a live Node.js process, shared by the sampling profile and the heap snapshots: find
// the node process by its command line, send it SIGUSR1 (kill in the container, or in our ephemeral
// debug container when the image has none) so its inspector listens on 127.0.0.1:9229 in the pod,
// reach that by port-forward and open a DevTools session. Afterwards, also on failure and cancel,
// the inspector is closed again (inspector.close() in the target) and every forward and socket closed.
import type { KubeConfig } from '@kubernetes/client-node';
import { ensureDebugContainer } from '../../cluster/debugContainer.ts';
import { ExecError, execInPod, type ExecTarget } from '../../cluster/podExec.ts';
import { PortForwardError, PortListener } from '../../cluster/portForward.ts';
import type { PodRef } from '../../triage/model.ts';
import { CaptureError } from '../captureError.ts';
import { chooseProcess } from '../processChoice.ts';
import { describeProcess, isNode, type ContainerProcess } from '../processList.ts';
import { sleep } from '../sleep.ts';
import { listProcesses, podStatus, requireAccess, whyGone } from '../wayIn.ts';
import { DevToolsSession } from './devtools.ts';
import { inspectorListening } from './inspectorPort.ts';

export const INSPECTOR_PORT = 9229;

export interface InspectorOptions {
  readonly debugImage: string;
  readonly signal?: AbortSignal;
  readonly onProgress?: (message: string, secondsLeft?: number) => void;
  readonly pickProcess?: (choices: readonly ContainerProcess[]) => Promise<ContainerProcess | undefined>;
}

export interface Inspected {
  readonly session: DevToolsSession;
  readonly proc: ContainerProcess;
  /** Where SIGUSR1 was sent from (the app container or our debug container). */
  readonly from: string;
  /** Waits `seconds`, counting down in `message`; ends at once with target-gone when the target dies. */
  window(seconds: number, message: string): Promise<void>;
}

/** SIGUSR1 from the app container, or from our debug container (same PID namespace) when the image has no kill. */
async function signalInspector(kc: KubeConfig, target: ExecTarget, pid: number, opts: InspectorOptions): Promise<string> {
  const argv = ['kill', '-USR1', String(pid)];
  const check = (r: { exitCode: number; stderr: string }, where: string) => {
    if (r.exitCode !== 0) throw new CaptureError('failed', `kill -USR1 ${pid} failed in ${where}: ${r.stderr.trim() || `exit ${r.exitCode}`}`);
    return where;
  };
  try {
    return check(await execInPod(kc, target, argv, { signal: opts.signal, timeoutMs: 30_000 }), `the container ${target.container}`);
  } catch (err) {
    if (!(err instanceof ExecError && err.kind === 'not-found')) throw err;
  }
  await requireAccess(kc, [{ verb: 'patch', resource: 'pods', subresource: 'ephemeralcontainers', namespace: target.namespace }], `The image of ${target.container} has no kill, so an ephemeral debug container`, opts.signal);
  opts.onProgress?.(`starting a debug container (${opts.debugImage}) to send SIGUSR1`);
  const debug = await ensureDebugContainer(kc, { ...target, image: opts.debugImage }, { signal: opts.signal });
  return check(await execInPod(kc, { ...target, container: debug.name }, argv, { signal: opts.signal, timeoutMs: 30_000 }), `the ephemeral container ${debug.name}`);
}

/** Runs `body` with a DevTools session on the live process; errors as CaptureErrors with their kind. */
export async function withInspector<T>(kc: KubeConfig, pod: PodRef, container: string, opts: InspectorOptions, purpose: string, body: (i: Inspected) => Promise<T>): Promise<T> {
  try {
    return await inspect(kc, pod, container, opts, purpose, body);
  } catch (err) {
    if (opts.signal?.aborted && !(err instanceof CaptureError && err.kind === 'cancelled')) throw new CaptureError('cancelled', 'Cancelled.');
    if (err instanceof PortForwardError) throw new CaptureError(err.kind === 'forbidden' ? 'forbidden' : 'failed', `${err.message}.`, err.kind === 'forbidden' ? 'Ask for a Role that allows create on pods/portforward.' : undefined);
    throw err;
  }
}

async function inspect<T>(kc: KubeConfig, pod: PodRef, container: string, opts: InspectorOptions, purpose: string, body: (i: Inspected) => Promise<T>): Promise<T> {
  const target = { namespace: pod.namespace, pod: pod.name, container };
  const ns = pod.namespace;
  const step = (m: string) => opts.onProgress?.(m);
  await requireAccess(kc, [{ verb: 'get', resource: 'pods', namespace: ns }, { verb: 'create', resource: 'pods', subresource: 'exec', namespace: ns }, { verb: 'create', resource: 'pods', subresource: 'portforward', namespace: ns }], purpose, opts.signal);
  const run = (argv: string[]) => execInPod(kc, target, argv, { signal: opts.signal, timeoutMs: 30_000 });
  const restarts = (await podStatus(kc, target, opts.signal)).status?.containerStatuses?.find((c) => c.name === container)?.restartCount;
  step(`reading the processes of ${container}`);
  const proc = await chooseProcess((await listProcesses(run)) ?? [], isNode, 'node', container, opts.pickProcess);
  const listening = () => inspectorListening(run, INSPECTOR_PORT);
  if (await listening()) {
    throw new CaptureError('busy', `Something already listens on 127.0.0.1:${INSPECTOR_PORT} in ${pod.name} (an inspector started with --inspect, or a debugger attached).`, 'Detach the other debugger, or restart the pod without --inspect.');
  }
  step(`sending SIGUSR1 to ${describeProcess(proc)}`);
  const from = await signalInspector(kc, target, proc.pid, opts);
  for (let i = 0; !(await listening()); i++) {
    if (i >= 20) throw new CaptureError('failed', `${describeProcess(proc)} did not open its inspector on 127.0.0.1:${INSPECTOR_PORT} within 10 s of SIGUSR1 (started with --disable-sigusr1, or the port is taken).`, 'Without SIGUSR1 the inspector cannot be opened from outside; start the service without --disable-sigusr1.');
    await sleep(500, opts.signal);
  }
  const listener = await PortListener.open(kc, target, INSPECTOR_PORT, { signal: opts.signal });
  let session: DevToolsSession | undefined;
  try {
    const base = `127.0.0.1:${listener.localPort}`;
    const targets = await fetch(`http://${base}/json/list`, { signal: opts.signal }).then((r) => r.json() as Promise<{ id?: string }[]>).catch((err: unknown) => {
      throw listener.failure ?? new CaptureError('failed', `the inspector's /json/list could not be read through the port-forward: ${(err as Error).message}`);
    });
    const id = targets[0]?.id;
    if (!id || !/^[\w-]+$/.test(id)) throw new CaptureError('failed', 'The inspector lists no debug target.');
    const open = (session = await DevToolsSession.open(`ws://${base}/${id}`));
    const gone = () => podStatus(kc, target, opts.signal).then((p) => whyGone(p, container, restarts), () => undefined);
    const window = async (seconds: number, message: string) => {
      const until = Date.now() + seconds * 1000;
      for (let tick = 1; Date.now() < until; tick++) {
        opts.onProgress?.(message, Math.ceil((until - Date.now()) / 1000));
        await sleep(Math.min(1000, until - Date.now()), opts.signal);
        const why = !open.open || tick % 5 === 0 ? await gone() : undefined;
        if (why || !open.open) throw new CaptureError('target-gone', `The target went away during the window: ${why ?? open.closedBecause}.`);
      }
    };
    return await body({ session: open, proc, from, window });
  } catch (err) {
    if (err instanceof CaptureError || err instanceof PortForwardError) throw err;
    if (session && !session.open) throw new CaptureError('target-gone', `The inspector connection closed during the capture: ${session.closedBecause}.`);
    throw err;
  } finally {
    if (session?.open) {
      // the inspector stops listening; the call closes our session, so no answer is awaited
      session.post('Runtime.evaluate', { expression: "require('inspector').close()", includeCommandLineAPI: true });
      await Promise.race([session.close(), sleep(3000)]).catch(() => {});
    }
    await listener.close();
  }
}
