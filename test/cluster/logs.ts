// pods/log from the runtime's per-container log file: tailLines, limitBytes, previous
// (the tail kept from the instance in lastState.terminated) and follow. Which instance answers
// follows the kubelet's validateContainerLogStatus: the running one, else the terminated one,
// else (waiting in back-off) the last terminated one.
import { openSync, readSync, closeSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiContext } from './context.ts';
import type { RequestInfo } from './request.ts';
import { badRequest } from './status.ts';

function readFrom(file: string, offset: number): Buffer {
  try {
    const size = statSync(file).size;
    if (size <= offset) return Buffer.alloc(0);
    const fd = openSync(file, 'r');
    try {
      const buf = Buffer.alloc(size - offset);
      readSync(fd, buf, 0, buf.length, offset);
      return buf;
    } finally {
      closeSync(fd);
    }
  } catch {
    return Buffer.alloc(0);
  }
}

function tail(buf: Buffer, lines: number | undefined): Buffer {
  if (lines === undefined) return buf;
  const text = buf.toString('utf8');
  const parts = text.split('\n');
  if (parts[parts.length - 1] === '') parts.pop();
  return Buffer.from(parts.slice(Math.max(0, parts.length - lines)).map((l) => `${l}\n`).join(''));
}

export function handleLogs(req: IncomingMessage, res: ServerResponse, info: RequestInfo, ctx: ApiContext): void {
  const pod = ctx.store.mustGet('pods', '', info.namespace, info.name!);
  const names: string[] = (pod.spec?.containers ?? []).map((c: { name: string }) => c.name);
  const ephemeral: string[] = (pod.spec?.ephemeralContainers ?? []).map((c: { name: string }) => c.name);
  const container = info.query.get('container') || (names.length === 1 ? names[0] : '');
  if (!container) throw badRequest(`a container name must be specified for pod ${info.name}, choose one of: [${names.join(' ')}]`);
  if (!names.includes(container) && !ephemeral.includes(container)) throw badRequest(`container ${container} is not valid for pod ${info.name}`);
  const ps = ctx.kubelet.podState(info.namespace!, info.name!);
  const state = ps?.containers.find((c) => c.name === container) ?? ps?.ephemeral.find((c) => c.name === container);
  const tailLines = info.query.has('tailLines') ? Number(info.query.get('tailLines')) : undefined;
  const limitBytes = info.query.has('limitBytes') ? Number(info.query.get('limitBytes')) : undefined;
  const previous = info.query.get('previous') === 'true';
  let body: Buffer;
  if (previous) {
    if (!state?.last) throw badRequest(`previous terminated container "${container}" in pod "${info.name}" not found`);
    // A synthetic container or one from the seeded history wrote nothing.
    body = state.previousLog ?? Buffer.alloc(0);
  } else if (state?.phase === 'running' || state?.phase === 'terminated') {
    body = state.logFile ? readFrom(state.logFile, 0) : Buffer.alloc(0);
  } else if (state?.last) {
    body = state.previousLog ?? Buffer.alloc(0);
  } else {
    throw badRequest(`container "${container}" in pod "${info.name}" is waiting to start: ContainerCreating`);
  }
  body = tail(body, tailLines);
  if (limitBytes !== undefined) body = body.subarray(0, limitBytes);
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private' });
  const file = state?.logFile;
  if (info.query.get('follow') !== 'true' || !file || previous || state.phase !== 'running') return void res.end(body);
  res.write(body);
  // Follow: poll the file for growth until the client goes away or the container restarts.
  let offset = readFrom(file, 0).length;
  const timer = setInterval(() => {
    if (res.writableEnded || res.destroyed) return clearInterval(timer);
    if (state.logFile !== file) return void res.end();
    const more = readFrom(file, offset);
    offset += more.length;
    if (more.length) res.write(more);
  }, 250);
  req.on('close', () => clearInterval(timer));
  res.on('close', () => clearInterval(timer));
}
