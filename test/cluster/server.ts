// The HTTPS API server: bearer-token authentication, the slow/unreachable/expired-token
// faults, and dispatch of plain requests and WebSocket upgrades.
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { handleApi } from './api.ts';
import type { ApiContext } from './context.ts';
import { sendError, sendStatus } from './http.ts';
import { unauthorized } from './status.ts';
import type { ServerTls } from './tls.ts';
import { handleUpgrade, rejectUpgrade } from './upgrade.ts';

export class ApiServer {
  private readonly server: Server;
  private readonly ctx: ApiContext;
  private readonly token: string;
  private readonly sockets = new Set<Socket>();
  private port = 0;
  private listening = false;
  /** TLS handshakes completed, so tests can tell a reused connection from a new one. */
  secureConnections = 0;

  constructor(ctx: ApiContext, tls: ServerTls, token: string) {
    this.ctx = ctx;
    this.token = token;
    this.server = createServer({ key: tls.keyPem, cert: tls.certPem, ALPNProtocols: ['http/1.1'] }, (req, res) => void this.onRequest(req, res));
    this.server.on('upgrade', (req, socket, head) => void this.onUpgrade(req, socket, head));
    // Raw TCP sockets, so connections still in the TLS handshake are cut too.
    this.server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    this.server.on('tlsClientError', () => {});
    this.server.on('secureConnection', () => void this.secureConnections++);
    // kube-apiserver keeps an idle connection 90 s (secure_serving.go: IdleTimeout); Node's
    // default of 5 s would close it between two metrics polls, whatever the client does.
    this.server.keepAliveTimeout = 90_000;
  }

  get url(): string { return `https://127.0.0.1:${this.port}`; }

  async listen(port = 0): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.listening = true;
    this.port = (this.server.address() as { port: number }).port;
    return this.port;
  }

  /** Unreachable: stop listening and cut every open connection; reachable again on the same port. */
  async setReachable(reachable: boolean): Promise<void> {
    if (reachable && !this.listening) await this.listen(this.port);
    if (!reachable && this.listening) {
      this.listening = false;
      const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
      for (const s of this.sockets) s.destroy();
      await closed;
    }
  }

  private authorized(req: IncomingMessage): boolean {
    const header = String(req.headers.authorization ?? '');
    return !this.ctx.faults.tokenExpired && header === `Bearer ${this.token}`;
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      if (this.ctx.faults.delayMs > 0) await sleep(this.ctx.faults.delayMs);
      if (!this.authorized(req)) {
        res.setHeader('WWW-Authenticate', 'Bearer realm="kubernetes"');
        return sendStatus(res, unauthorized());
      }
      await handleApi(req, res, this.ctx);
    } catch (err) {
      if (!res.headersSent) sendError(res, err);
      else res.destroy();
    }
  }

  private async onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => {});
    if (this.ctx.faults.delayMs > 0) await sleep(this.ctx.faults.delayMs);
    if (!this.authorized(req)) return rejectUpgrade(socket, unauthorized());
    handleUpgrade(req, socket, head, this.ctx);
  }

  async close(): Promise<void> {
    await this.setReachable(false);
  }
}
