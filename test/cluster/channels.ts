// The channel.k8s.io WebSocket framing: every binary message starts with a channel byte.
// Exec: 0 stdin, 1 stdout, 2 stderr, 3 error/status, 4 resize; v5 adds 255 "close channel".
import { Writable } from 'node:stream';
import type { WebSocket } from 'ws';

export const execProtocols = ['v5.channel.k8s.io', 'v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io'];
export const portForwardProtocols = ['v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io', 'portforward.k8s.io'];

export function pickProtocol(offered: Set<string>, supported: string[]): string | false {
  return supported.find((p) => offered.has(p)) ?? false;
}

export function sendChannel(ws: WebSocket, channel: number, data: Buffer | string): void {
  if (ws.readyState !== ws.OPEN) return;
  const payload = typeof data === 'string' ? Buffer.from(data) : data;
  ws.send(Buffer.concat([Buffer.from([channel]), payload]));
}

/** A stream whose writes go out on one channel, for handing to the runtime as stdout/stderr. */
export function channelWriter(ws: WebSocket, channel: number): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      sendChannel(ws, channel, chunk);
      done();
    },
  });
}

export function portBytes(port: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(port, 0);
  return b;
}
