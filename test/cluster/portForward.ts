// pods/portforward over WebSocket as client-node speaks it: per requested port a data
// channel (2i) and an error channel (2i+1), each opened with the port as 2 bytes
// little-endian; bytes are piped to a connection the runtime opens to the pod's process.
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { portBytes, sendChannel } from './channels.ts';
import type { ApiContext } from './context.ts';
import type { K8sObject } from './store.ts';

export function runPortForward(ws: WebSocket, ports: number[], pod: K8sObject, ctx: ApiContext): void {
  const podKey = `${pod.metadata.namespace}/${pod.metadata.name}`;
  const sockets: (Duplex | undefined)[] = [];
  ports.forEach((port, i) => {
    sendChannel(ws, 2 * i, portBytes(port));
    sendChannel(ws, 2 * i + 1, portBytes(port));
    const fail = (message: string) => {
      sendChannel(ws, 2 * i + 1, `error forwarding port ${port} to pod ${pod.metadata.uid}, uid : ${message}`);
      ws.close(1000);
    };
    if (!ctx.runtime) return fail('the pod has no process (synthetic pod)');
    let socket: Duplex;
    try {
      socket = ctx.runtime.connect(podKey, undefined, port);
    } catch (err) {
      return fail((err as Error).message);
    }
    sockets[i] = socket;
    socket.on('data', (chunk: Buffer) => sendChannel(ws, 2 * i, chunk));
    socket.on('error', (err) => fail(`failed to connect to localhost:${port} inside namespace "${podKey}": ${err.message}`));
    // the process closed its side: the kubelet ends the stream (a half-open socket never emits close)
    socket.on('end', () => ws.close(1000));
    socket.on('close', () => ws.close(1000));
  });
  ws.on('message', (data: Buffer) => {
    if (data.length === 0) return;
    const channel = data[0];
    const socket = sockets[channel / 2];
    if (channel % 2 === 0 && socket) socket.write(data.subarray(1));
  });
  ws.on('close', () => { for (const s of sockets) s?.destroy(); });
}
