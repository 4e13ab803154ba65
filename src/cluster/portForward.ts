// A port of a pod reached through the API server's pods/portforward subresource (client-node's
// PortForward: one WebSocket per connection, as `kubectl port-forward` opens one stream pair per
// connection). Two shapes: connectPort gives one in-memory connection (a Duplex); PortListener
// listens on 127.0.0.1:<ephemeral> for clients that want a URL (fetch, a WebSocket client) and
// forwards each connection it accepts. Every WebSocket and socket is closed on destroy/close.
import { type KubeConfig, PortForward } from '@kubernetes/client-node';
import { createServer, type Server, type Socket } from 'node:net';
import { Duplex, PassThrough, Writable } from 'node:stream';

export type PortForwardFailureKind = 'forbidden' | 'not-found' | 'refused' | 'timeout' | 'connection';

export class PortForwardError extends Error {
  readonly kind: PortForwardFailureKind;
  constructor(kind: PortForwardFailureKind, message: string) {
    super(message);
    this.kind = kind;
  }
}

export interface PortTarget {
  readonly namespace: string;
  readonly pod: string;
}

interface ForwardSocket { close(): void; on(event: 'close', listener: () => void): unknown }

/** client-node rejects with an Error or a WebSocket ErrorEvent ("Unexpected server response: 403"). */
function classify(err: unknown, target: PortTarget, port: number): PortForwardError {
  const e = err as { message?: unknown; error?: { message?: unknown } } | undefined;
  const text = String(e?.message ?? e?.error?.message ?? err);
  const where = `port ${port} of ${target.namespace}/${target.pod}`;
  if (/\b403\b|forbidden/i.test(text)) return new PortForwardError('forbidden', `port-forward to ${where} was refused (403): it needs permission to create pods/portforward in namespace ${target.namespace}`);
  if (/\b404\b/.test(text)) return new PortForwardError('not-found', `port-forward to ${where}: the pod was not found (404)`);
  return new PortForwardError('connection', `port-forward to ${where} failed: ${text}`);
}

/** One connection to the pod's port: bytes written go to the process listening there, its replies are read. */
class ForwardedConnection extends Duplex {
  readonly toPod = new PassThrough();
  private socket: ForwardSocket | undefined;

  override _read(): void {}

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (err?: Error | null) => void): void {
    this.toPod.write(chunk);
    done();
  }

  override _destroy(err: Error | null, done: (err?: Error | null) => void): void {
    try { this.socket?.close(); } catch { /* closed already */ }
    this.toPod.destroy();
    done(err);
  }

  attach(socket: ForwardSocket): void {
    this.socket = socket;
    if (this.destroyed) socket.close();
    // the pod side ended (the process closed it, the pod went away): end our side too
    else socket.on('close', () => { this.push(null); this.destroy(); });
  }
}

export interface ConnectOptions {
  readonly signal?: AbortSignal;
  /** For the WebSocket to open; default 15 s. */
  readonly timeoutMs?: number;
}

export async function connectPort(kc: KubeConfig, target: PortTarget, port: number, options: ConnectOptions = {}): Promise<Duplex> {
  options.signal?.throwIfAborted();
  const conn = new ForwardedConnection();
  const fromPod = new Writable({ write(chunk: Buffer, _e, done) { if (chunk.length) conn.push(chunk); done(); } });
  // the error channel: the kubelet writes why it could not reach the port (nothing listening there)
  const errors = new Writable({
    write(chunk: Buffer, _e, done) {
      if (chunk.length) conn.destroy(new PortForwardError('refused', `port-forward to port ${port} of ${target.namespace}/${target.pod}: ${chunk.toString('utf8').trim()}`));
      done();
    },
  });
  const forward = new PortForward(kc, true).portForward(target.namespace, target.pod, [port], fromPod, errors, conn.toPod) as Promise<unknown>;
  let timer: NodeJS.Timeout | undefined;
  const onAbort = () => conn.destroy(new PortForwardError('connection', 'cancelled'));
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const timeoutMs = options.timeoutMs ?? 15_000;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new PortForwardError('timeout', `port-forward to port ${port} of ${target.namespace}/${target.pod} did not open within ${timeoutMs / 1000} s`)), timeoutMs);
    });
    const socket = (await Promise.race([forward, timeout]).catch((err: unknown) => {
      conn.destroy();
      // a late open after a timeout must not stay open
      void forward.then((s) => (s as ForwardSocket).close(), () => {});
      throw err instanceof PortForwardError ? err : classify(err, target, port);
    })) as ForwardSocket;
    conn.attach(socket);
    options.signal?.throwIfAborted();
    return conn;
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * 127.0.0.1:<localPort> forwarded to the pod's port, one forward per accepted connection. The first
 * failure of a forward is kept (`failure`): a client that only sees a reset connection can say why.
 */
export class PortListener {
  readonly localPort: number;
  failure: PortForwardError | undefined;
  private readonly server: Server;
  private readonly open = new Set<Socket | Duplex>();

  private constructor(server: Server, localPort: number) {
    this.server = server;
    this.localPort = localPort;
  }

  static async open(kc: KubeConfig, target: PortTarget, port: number, options: ConnectOptions = {}): Promise<PortListener> {
    let listener: PortListener | undefined;
    const server = createServer((socket) => {
      const self = listener!;
      self.track(socket);
      socket.on('error', () => socket.destroy());
      connectPort(kc, target, port, options).then((remote) => {
        self.track(remote);
        if (socket.destroyed) return remote.destroy();
        remote.on('error', (err) => { self.failure ??= err instanceof PortForwardError ? err : classify(err, target, port); socket.destroy(); });
        remote.on('close', () => socket.destroy());
        socket.on('close', () => remote.destroy());
        socket.pipe(remote).pipe(socket);
      }, (err: unknown) => {
        self.failure ??= err instanceof PortForwardError ? err : classify(err, target, port);
        socket.destroy();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    listener = new PortListener(server, (server.address() as { port: number }).port);
    return listener;
  }

  /** Connections (local sockets and forwards) open now. */
  get openConnections(): number {
    return this.open.size;
  }

  private track(s: Socket | Duplex): void {
    this.open.add(s);
    s.once('close', () => this.open.delete(s));
  }

  /** Stops listening and closes every connection and forward. */
  async close(): Promise<void> {
    const closing = [...this.open].map((s) => new Promise<void>((resolve) => { s.once('close', () => resolve()); s.destroy(); }));
    await Promise.all([...closing, new Promise<void>((resolve) => this.server.close(() => resolve()))]);
  }
}
