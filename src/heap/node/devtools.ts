// A DevTools protocol session with a Node inspector over its WebSocket (undici's client): numbered
// requests matched to their answers, events by name, and every pending call failed at once when the
// socket closes (the target exited, the forward went away), so nothing waits forever.
import { WebSocket } from 'undici';

interface Pending { resolve(value: unknown): void; reject(err: Error): void }

export class DevToolsSession {
  private readonly ws: WebSocket;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<string, (params: Record<string, unknown>) => void>();
  private nextId = 1;
  /** Why the socket closed, once it has. */
  closedBecause: string | undefined;

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.addEventListener('message', (e) => this.receive(String(e.data)));
    ws.addEventListener('close', () => this.fail(this.closedBecause ?? 'the inspector closed the connection'));
  }

  static open(url: string, timeoutMs = 10_000): Promise<DevToolsSession> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      const timer = setTimeout(() => { ws.close(); reject(new Error(`the inspector at ${url} did not answer within ${timeoutMs / 1000} s`)); }, timeoutMs);
      ws.addEventListener('open', () => { clearTimeout(timer); resolve(new DevToolsSession(ws)); }, { once: true });
      ws.addEventListener('error', () => { clearTimeout(timer); reject(new Error(`the inspector's WebSocket at ${url} could not be opened (another debugger may hold it)`)); }, { once: true });
    });
  }

  get open(): boolean {
    return this.closedBecause === undefined;
  }

  on(method: string, listener: (params: Record<string, unknown>) => void): void {
    this.listeners.set(method, listener);
  }

  send<T = Record<string, unknown>>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    if (!this.open) return Promise.reject(new Error(this.closedBecause));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }

  /** Sends without waiting for an answer (a call that closes the session may never answer). */
  post(method: string, params: Record<string, unknown> = {}): void {
    if (this.open) this.ws.send(JSON.stringify({ id: this.nextId++, method, params }));
  }

  /** Resolves once the socket is closed (by us or by the target). */
  close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.ws.addEventListener('close', () => resolve(), { once: true });
      if (this.ws.readyState !== WebSocket.CLOSING) this.ws.close();
    });
  }

  private receive(text: string): void {
    let message: { id?: number; method?: string; params?: Record<string, unknown>; result?: unknown; error?: { message?: string } };
    try {
      message = JSON.parse(text) as typeof message;
    } catch {
      return;
    }
    if (message.id !== undefined) {
      const p = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.error) p?.reject(new Error(message.error.message ?? 'DevTools error'));
      else p?.resolve(message.result);
    } else if (message.method) {
      this.listeners.get(message.method)?.(message.params ?? {});
    }
  }

  private fail(why: string): void {
    this.closedBecause = why;
    for (const p of this.pending.values()) p.reject(new Error(why));
    this.pending.clear();
  }
}
