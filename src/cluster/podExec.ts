// Runs an argv in a pod's container through the API server's exec subresource (client-node's
// Exec: a WebSocket), the way `kubectl exec` does. No shell: the argv reaches the container as is.
// Output is bounded, the call has a timeout and an abort signal, and a failure says which kind it
// is (no such executable, a non-zero exit, forbidden, the container not running).
import { Exec, type KubeConfig, type V1Status } from '@kubernetes/client-node';
import { PassThrough, Readable, Writable } from 'node:stream';

export interface ExecResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export type ExecFailureKind = 'not-found' | 'forbidden' | 'not-running' | 'timeout' | 'cancelled' | 'connection' | 'too-much-output';

export class ExecError extends Error {
  readonly kind: ExecFailureKind;
  constructor(kind: ExecFailureKind, message: string) {
    super(message);
    this.kind = kind;
  }
}

export interface ExecTarget {
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
}

export interface ExecOptions {
  readonly stdin?: string | Buffer;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** stdout and stderr together may not exceed this (a runaway command cannot fill our memory). */
  readonly maxBytes?: number;
}

function collector(limit: { left: number }, onOverflow: () => void): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      limit.left -= chunk.length;
      if (limit.left < 0) onOverflow();
      else chunks.push(chunk);
      cb();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

function exitCodeOf(status: V1Status): number | undefined {
  if (status.status === 'Success') return 0;
  const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
  const code = Number(cause?.message);
  return cause && Number.isInteger(code) ? code : undefined;
}

/** client-node rejects with an Error, a WebSocket ErrorEvent or a Status-like object. */
function textOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  const e = err as { message?: unknown; error?: { message?: unknown }; type?: unknown } | undefined;
  const text = e?.message ?? e?.error?.message;
  return typeof text === 'string' && text ? text : typeof e?.type === 'string' ? `WebSocket ${e.type}` : String(err);
}

function classify(err: unknown, target: ExecTarget): ExecError {
  const text = textOf(err);
  if (/\b403\b|forbidden/i.test(text)) return new ExecError('forbidden', `exec into ${target.pod}/${target.container} was refused: ${text}`);
  if (/container not found|is not valid for pod|not running|waiting to start/i.test(text)) return new ExecError('not-running', `container ${target.container} of ${target.pod} is not running (${text})`);
  return new ExecError('connection', `exec into ${target.pod}/${target.container} failed: ${text}`);
}

export async function execInPod(kc: KubeConfig, target: ExecTarget, argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
  options.signal?.throwIfAborted();
  const maxBytes = options.maxBytes ?? 32 * 1024 * 1024;
  const limit = { left: maxBytes };
  let fail: (err: ExecError) => void = () => {};
  const overflow = () => fail(new ExecError('too-much-output', `${argv[0]} wrote more than ${maxBytes} bytes`));
  const stdout = collector(limit, overflow);
  const stderr = collector(limit, overflow);
  const stdin = options.stdin === undefined ? null : Readable.from([Buffer.from(options.stdin)]).pipe(new PassThrough());
  let ws: { close(): void } | undefined;
  return new Promise<ExecResult>((resolve, reject) => {
    let settled = false;
    const finish = (err?: Error, result?: ExecResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      try { ws?.close(); } catch { /* closed already */ }
      if (err) reject(err);
      else resolve(result!);
    };
    fail = (err) => finish(err);
    const timeoutMs = options.timeoutMs ?? 60_000;
    const timer = setTimeout(() => finish(new ExecError('timeout', `${argv[0]} in ${target.pod}/${target.container} gave no answer within ${timeoutMs / 1000} s`)), timeoutMs);
    const onAbort = () => finish(new ExecError('cancelled', 'cancelled'));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const onStatus = (status: V1Status) => {
      const code = exitCodeOf(status);
      if (code !== undefined) {
        // The status arrives after the output: let the streams take the last chunks first.
        setImmediate(() => finish(undefined, { exitCode: code, stdout: stdout.text(), stderr: stderr.text() }));
        return;
      }
      const message = status.message ?? 'exec failed';
      if (/executable file not found|no such file or directory/i.test(message)) finish(new ExecError('not-found', `${argv[0]}: not found in container ${target.container}`));
      else finish(classify(new Error(message), target));
    };
    new Exec(kc).exec(target.namespace, target.pod, target.container, [...argv], stdout.stream, stderr.stream, stdin, false, onStatus)
      .then((socket) => {
        ws = socket;
        if (settled) socket.close();
        socket.on('close', () => setTimeout(() => finish(new ExecError('connection', `the exec session into ${target.pod} closed without an exit status`)), 200));
      }, (err: unknown) => finish(classify(err, target)));
  });
}
