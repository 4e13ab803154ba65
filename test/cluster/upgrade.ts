// WebSocket upgrades for pods/exec and pods/portforward. Problems found before the
// upgrade are answered as plain HTTP errors with a Status body, as the real server does.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { checkAccess } from './api.ts';
import { execProtocols, pickProtocol, portForwardProtocols } from './channels.ts';
import type { ApiContext } from './context.ts';
import { runExec } from './exec.ts';
import { runPortForward } from './portForward.ts';
import { parseRequest } from './request.ts';
import { ApiError, type StatusBody, badRequest, failure, notFound, pathNotFound } from './status.ts';

const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, handleProtocols: (offered: Set<string>, req: IncomingMessage) =>
  pickProtocol(offered, /\/portforward(\?|$)/.test(req.url ?? '') ? portForwardProtocols : execProtocols) });

export function rejectUpgrade(socket: Duplex, status: StatusBody): void {
  const body = JSON.stringify(status);
  const reason = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 500: 'Internal Server Error' }[status.code] ?? 'Error';
  socket.end(`HTTP/1.1 ${status.code} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

function offeredProtocols(req: IncomingMessage): Set<string> {
  return new Set(String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((s) => s.trim()).filter(Boolean));
}

export function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, ctx: ApiContext): void {
  try {
    const info = parseRequest(req);
    if (!info.isResource || info.resource !== 'pods' || !info.namespace || !info.name || !['exec', 'portforward'].includes(info.subresource ?? '')) throw pathNotFound();
    checkAccess(info, ctx);
    if (String(req.headers.upgrade ?? '').toLowerCase() !== 'websocket') {
      throw badRequest(`unable to upgrade connection: the emulator only speaks WebSocket; "${req.headers.upgrade}" is not supported`);
    }
    const exec = info.subresource === 'exec';
    const offered = offeredProtocols(req);
    const supported = exec ? execProtocols : portForwardProtocols;
    const protocol = pickProtocol(offered, supported);
    if (!protocol) throw badRequest(`unable to upgrade: unable to negotiate protocol: client supports [${[...offered].join(' ')}], server supports [${supported.join(' ')}]`);
    const pod = ctx.store.get('pods', info.namespace, info.name);
    if (!pod) throw notFound('pods', '', info.name);
    // App and ephemeral containers alike can be exec'd into (kubectl exec -c <debug container>).
    const containers: string[] = [...(pod.spec?.containers ?? []), ...(pod.spec?.ephemeralContainers ?? [])].map((c: { name: string }) => c.name);
    const container = info.query.get('container') || containers[0];
    if (!containers.includes(container)) throw badRequest(`container ${container} is not valid for pod ${info.name}`);
    if (exec) {
      if (info.query.getAll('command').length === 0) throw badRequest('you must specify at least 1 command');
      const status = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.ephemeralContainerStatuses ?? [])].find((c: { name: string }) => c.name === container);
      if (!status?.state?.running) throw badRequest(`unable to upgrade connection: container not found ("${container}")`);
    }
    const ports = (info.query.get('ports') ?? '').split(',').filter(Boolean).map(Number);
    if (!exec && (ports.length === 0 || ports.some((p) => !(p > 0 && p < 65536)))) throw badRequest('at least 1 port must be specified');
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (exec) runExec(ws, protocol, info, pod, container, ctx);
      else runPortForward(ws, ports, pod, ctx);
    });
  } catch (err) {
    if (err instanceof ApiError) return rejectUpgrade(socket, err.status);
    rejectUpgrade(socket, failure(500, 'InternalError', `Internal error occurred: ${(err as Error).message}`));
  }
}
