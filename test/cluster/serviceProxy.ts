// The API server's service proxy (/api/v1/namespaces/NS/services/[scheme:]NAME[:PORT]/proxy/...),
// forwarding to a local target registered per service port (e.g. the real Prometheus).
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { ApiContext } from './context.ts';
import { sendError } from './http.ts';
import type { RequestInfo } from './request.ts';
import { notFound, serviceUnavailable } from './status.ts';

export function targetKey(namespace: string, name: string, port: number): string {
  return `${namespace}/${name}:${port}`;
}

function parseServiceRef(ref: string): { name: string; port?: string } {
  const parts = ref.split(':');
  if (parts.length === 3) return { name: parts[1], port: parts[2] || undefined };
  if (parts.length === 2) return ['http', 'https'].includes(parts[0]) ? { name: parts[1] } : { name: parts[0], port: parts[1] || undefined };
  return { name: parts[0] };
}

export function proxyService(req: IncomingMessage, res: ServerResponse, info: RequestInfo, ctx: ApiContext): void {
  const ns = info.namespace ?? 'default';
  const ref = parseServiceRef(info.name ?? '');
  const svc = ctx.store.get('services', ns, ref.name);
  if (!svc) throw notFound('services', '', ref.name);
  const ports: { name?: string; port: number }[] = svc.spec?.ports ?? [];
  const port = ref.port === undefined ? ports[0] : ports.find((p) => String(p.port) === ref.port || p.name === ref.port);
  const base = port && ctx.serviceTargets.get(targetKey(ns, ref.name, port.port));
  if (!base) throw serviceUnavailable(`no endpoints available for service "${ref.name}"`);
  const target = new URL(base);
  const query = new URLSearchParams(info.query);
  const search = query.toString();
  const path = `${target.pathname.replace(/\/$/, '')}${info.rest || '/'}${search ? `?${search}` : ''}`;
  const headers = { ...req.headers, host: target.host };
  delete headers.authorization;
  const upstream = httpRequest({ hostname: target.hostname, port: target.port, method: req.method, path, headers }, (up) => {
    res.writeHead(up.statusCode ?? 502, up.headers);
    up.pipe(res);
  });
  upstream.on('error', (err) => {
    if (!res.headersSent) sendError(res, serviceUnavailable(`error trying to reach service: ${err.message}`));
    else res.destroy();
  });
  req.pipe(upstream);
}
