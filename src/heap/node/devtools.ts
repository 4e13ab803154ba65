// A DevTools protocol session with a Node inspector over its WebSocket (undici's WebSocketStream):
// numbered requests matched to their answers, events by name, and every pending call failed at once
// when the socket closes (the target exited, the forward went away), so nothing waits forever.
// Messages are read one at a time and an event listener may return a promise: the next message is
// read only once it settles, and meanwhile the socket is paused (back-pressure: a heap snapshot's
// chunks wait in the network, not in our memory, while the file catches up).
import { WebSocketStream } from 'undici';

interface Pending { resolve(value: unknown): void; reject(err: Error): void }
type Listener = (params: Record<string, unknown>) => void | Promise<void>;

export class DevToolsSession {
  private readonly wss: WebSocketStream;
  private readonly writer: WritableStreamDefaultWriter<string>;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<string, Listener>();
  private nextId = 1;
  /** Why the socket closed, once it has. */
  closedBecause: string | undefined;

  private constructor(wss: WebSocketStream, readable: ReadableStream<string | Uint8Array>, writable: WritableStream<string>) {
    this.wss = wss;
    this.writer = writable.getWriter();
    // an unclean close (the target killed) rejects `closed`: the read loop says why
    wss.closed.catch(() => {});
    void this.read(readable);
  }

  static async open(url: string, timeoutMs = 10_000): Promise<DevToolsSession> {
    const wss = new WebSocketStream(url, { signal: AbortSignal.timeout(timeoutMs) });
    try {
      const { readable, writable } = await wss.opened;
      return new DevToolsSession(wss, readable as ReadableStream<string | Uint8Array>, writable as WritableStream<string>);
    } catch (err) {
      const timedOut = (err as Error)?.name === 'TimeoutError';
      throw new Error(timedOut ? `the inspector at ${url} did not answer within ${timeoutMs / 1000} s` : `the inspector's WebSocket at ${url} could not be opened (another debugger may hold it)`);
    }
  }

  get open(): boolean {
    return this.closedBecause === undefined;
  }

  on(method: string, listener: Listener): void {
    this.listeners.set(method, listener);
  }

  off(method: string): void {
    this.listeners.delete(method);
  }

  send<T = Record<string, unknown>>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    if (!this.open) return Promise.reject(new Error(this.closedBecause));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.writer.write(JSON.stringify({ id, method, params })).catch(() => {});
    });
  }

  /** Sends without waiting for an answer (a call that closes the session may never answer). */
  post(method: string, params: Record<string, unknown> = {}): void {
    if (this.open) this.writer.write(JSON.stringify({ id: this.nextId++, method, params })).catch(() => {});
  }

  /** Resolves once the socket is closed (by us or by the target). */
  async close(): Promise<void> {
    try {
      this.wss.close();
    } catch { /* closing or closed already */ }
    await this.wss.closed.catch(() => {});
  }

  private async read(readable: ReadableStream<string | Uint8Array>): Promise<void> {
    const reader = readable.getReader();
    let why = 'the inspector closed the connection';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        await this.receive(typeof value === 'string' ? value : new TextDecoder().decode(value));
      }
    } catch (err) {
      why = `the inspector connection failed: ${(err as Error)?.message ?? String(err)}`;
    }
    this.fail(this.closedBecause ?? why);
  }

  private async receive(text: string): Promise<void> {
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
      // a listener's failure is its own to report (it knows what it was doing); reading goes on
      await Promise.resolve(this.listeners.get(message.method)?.(message.params ?? {})).catch(() => {});
    }
  }

  private fail(why: string): void {
    this.closedBecause = why;
    for (const p of this.pending.values()) p.reject(new Error(why));
    this.pending.clear();
  }
}
