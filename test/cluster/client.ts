// A minimal HTTPS client for the emulator's API, for tests that check raw protocol details
// (watch streams, Status bodies) below what kubectl or client-node show.
import { request } from 'node:https';

export interface RawTarget { apiUrl: string; token: string; caPem: string }
export interface RawResponse { status: number; headers: Record<string, string | string[] | undefined>; body: string; json<T = any>(): T }

export function rawRequest(target: RawTarget, path: string, opts: { method?: string; body?: unknown; contentType?: string; accept?: string; token?: string } = {}): Promise<RawResponse> {
  const url = new URL(path, target.apiUrl);
  const payload = opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: opts.method ?? 'GET', ca: target.caPem, agent: false,
      headers: {
        Authorization: `Bearer ${opts.token ?? target.token}`, Accept: opts.accept ?? 'application/json',
        ...(payload ? { 'Content-Type': opts.contentType ?? 'application/json', 'Content-Length': Buffer.byteLength(payload) } : {}),
      },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** Reads a watch stream (use timeoutSeconds in the path so it ends) into its events. */
export async function rawWatch(target: RawTarget, path: string): Promise<{ type: string; object: any }[]> {
  const res = await rawRequest(target, path);
  return res.body.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
}
