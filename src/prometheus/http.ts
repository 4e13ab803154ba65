import { request, type Dispatcher } from 'undici';
import { PrometheusTimeoutError, PrometheusTooLargeError, PrometheusUnreachableError } from './errors.ts';

/** What came back, before anyone trusts it. */
export interface HttpAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

export interface GetOptions {
  readonly dispatcher: Dispatcher;
  readonly headers: Record<string, string>;
  readonly signal?: AbortSignal;
  readonly timeoutMs: number;
  readonly maxBytes: number;
  /** The address as shown to the user (no credentials). */
  readonly where: string;
}

// A full week of a few dozen containers at 11,000 points stays well under this; anything bigger
// is a mistake (a wrong query, a proxy serving a file) and must not fill the extension's memory.
export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

/** GET with an overall deadline, the caller's cancel, and a cap on the body read. */
export async function getText(url: URL, options: GetOptions): Promise<HttpAnswer> {
  const deadline = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  try {
    const res = await request(url, {
      method: 'GET',
      dispatcher: options.dispatcher,
      headers: { accept: 'application/json', ...options.headers },
      signal,
    });
    const declared = Number(res.headers['content-length']);
    if (Number.isFinite(declared) && declared > options.maxBytes) {
      res.body.destroy();
      throw new PrometheusTooLargeError(`${declared} bytes`, `${options.maxBytes} bytes`);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body) {
      size += (chunk as Buffer).length;
      if (size > options.maxBytes) {
        res.body.destroy();
        throw new PrometheusTooLargeError(`more than ${options.maxBytes} bytes`, `${options.maxBytes} bytes`);
      }
      chunks.push(chunk as Buffer);
    }
    const type = res.headers['content-type'];
    return {
      status: res.statusCode,
      contentType: Array.isArray(type) ? (type[0] ?? '') : (type ?? ''),
      body: Buffer.concat(chunks).toString('utf8'),
    };
  } catch (err) {
    if (deadline.aborted && !options.signal?.aborted) {
      throw new PrometheusTimeoutError(options.where, Math.round(options.timeoutMs / 1000));
    }
    if (options.signal?.aborted) throw err; // the caller cancelled: not a failure to report
    if (err instanceof PrometheusTooLargeError) throw err;
    throw new PrometheusUnreachableError(options.where, describeNetworkError(err), errorCode(err));
  }
}

function errorCode(err: unknown): string | undefined {
  const cause = (err as { cause?: unknown } | undefined)?.cause;
  const code = (err as { code?: unknown } | undefined)?.code ?? (cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

function describeNetworkError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as { cause?: unknown }).cause;
  const code = errorCode(err);
  const causeMessage = cause instanceof Error ? cause.message : '';
  return [code, err.message, causeMessage].filter((s) => s && s !== 'fetch failed').join(': ');
}
