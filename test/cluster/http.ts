// Small HTTP helpers shared by the API handlers.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, badRequest, type StatusBody } from './status.ts';

export function sendJson(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-cache, private' });
  res.end(text);
}

export function sendStatus(res: ServerResponse, status: StatusBody): void {
  sendJson(res, status.code, status);
}

export function sendError(res: ServerResponse, err: unknown): void {
  if (err instanceof ApiError) return sendStatus(res, err.status);
  console.error('emulator: unexpected error', err);
  sendStatus(res, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `Internal error occurred: ${(err as Error).message}`, reason: 'InternalError', code: 500 });
}

export async function readBody(req: IncomingMessage, limit = 3 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new ApiError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Request entity too large: limit is 3145728', reason: 'RequestEntityTooLarge', code: 413 });
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export async function readJson(req: IncomingMessage): Promise<any> {
  const body = await readBody(req);
  return parseJson(body.toString('utf8') || 'null', 'the server rejected our request due to an error in our request');
}

/** JSON from a request body, or a 400 whose message starts as the real server's does for that endpoint. */
export function parseJson(text: string, prefix: string): any {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw badRequest(`${prefix}: ${(err as Error).message}`);
  }
}
