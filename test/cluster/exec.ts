// pods/exec over WebSocket (v4/v5.channel.k8s.io): runs the argv through the process
// runtime in the container's cwd and env, streams stdout/stderr, and ends with the
// metav1.Status on channel 3 that kubectl and client-node turn into an exit code.
import { PassThrough } from 'node:stream';
import type { WebSocket } from 'ws';
import { channelWriter, sendChannel } from './channels.ts';
import type { ApiContext } from './context.ts';
import type { RequestInfo } from './request.ts';
import type { K8sObject } from './store.ts';

function statusMessage(body: Record<string, unknown>): string {
  return JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, ...body });
}

function exitStatus(argv: string[], code: number): string {
  if (code === 0) return statusMessage({ status: 'Success' });
  return statusMessage({
    status: 'Failure', reason: 'NonZeroExitCode',
    message: `command terminated with non-zero exit code: error executing command [${argv.join(' ')}], exit code ${code}`,
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  });
}

function internalError(message: string): string {
  return statusMessage({ status: 'Failure', reason: 'InternalError', code: 500, message: `Internal error occurred: ${message}`, details: { causes: [{ message }] } });
}

export function runExec(ws: WebSocket, protocol: string, info: RequestInfo, pod: K8sObject, container: string, ctx: ApiContext): void {
  const argv = info.query.getAll('command');
  const wantStdin = ['true', '1'].includes(info.query.get('stdin') ?? '');
  const podKey = `${pod.metadata.namespace}/${pod.metadata.name}`;
  const stdin = wantStdin ? new PassThrough() : undefined;
  const v5 = protocol === 'v5.channel.k8s.io';
  ws.on('message', (data: Buffer) => {
    if (data.length === 0) return;
    const channel = data[0];
    if (channel === 0 && stdin) stdin.write(data.subarray(1));
    else if (channel === 255 && v5 && data[1] === 0) stdin?.end();
  });
  ws.on('close', () => stdin?.end());
  const finish = (status: string) => {
    // Let output already queued on stdout/stderr go first; the status ends the session.
    setImmediate(() => {
      sendChannel(ws, 3, status);
      ws.close(1000);
    });
  };
  const runtime = ctx.runtime;
  const hasProcess = !ctx.kubelet.isSynthetic(pod.metadata.namespace, pod.metadata.name, container);
  if (!runtime || !hasProcess) {
    return finish(internalError(`error executing command in container: container "${container}" of pod "${pod.metadata.name}" has no process (synthetic container)`));
  }
  const stdout = channelWriter(ws, 1);
  const stderr = channelWriter(ws, 2);
  runtime.exec(podKey, container, argv, { stdin, stdout, stderr }).then(
    (code) => finish(exitStatus(argv, code)),
    (err: Error) => {
      const text = /not found/.test(err.message)
        ? `error executing command in container: failed to exec in container: failed to start exec: OCI runtime exec failed: exec failed: unable to start container process: exec: "${argv[0]}": executable file not found in $PATH: unknown`
        : `error executing command in container: ${err.message}`;
      finish(internalError(text));
    },
  );
}
