// Fault switches, programmatic and over a plain-HTTP loopback port (for a person poking
// a running demo with curl, or a test in another process).
import { createServer, type Server } from 'node:http';
import type { Denial, Faults } from './faults.ts';
import { readJson, sendJson } from './http.ts';

export interface Admin {
  deny(rule: Denial): void;
  allow(rule?: Partial<Denial>): void;
  setMetricsAvailable(available: boolean): void;
  setDelay(ms: number): void;
  setReachable(reachable: boolean): Promise<void>;
  expireToken(): void;
  renewToken(): void;
  /** The node's MemoryPressure condition on or off, with the kubelet's event and taint. */
  setNodeMemoryPressure(on: boolean): void;
  state(): Record<string, unknown>;
}

export function makeAdmin(faults: Faults, setReachable: (r: boolean) => Promise<void>, setNodeMemoryPressure: (on: boolean) => void): Admin {
  return {
    deny: (rule) => faults.deny(rule),
    allow: (rule) => faults.allow(rule),
    setMetricsAvailable: (available) => { faults.metricsAvailable = available; },
    setDelay: (ms) => { faults.delayMs = Math.max(0, ms); },
    setReachable,
    expireToken: () => { faults.tokenExpired = true; },
    renewToken: () => { faults.tokenExpired = false; },
    setNodeMemoryPressure,
    state: () => faults.snapshot(),
  };
}

/**
 * POST /deny {verb, resource, subresource?, namespace?}, POST /allow {...} (empty body: all),
 * POST /metrics-available {available}, POST /delay {ms}, POST /reachable {reachable},
 * POST /expire-token, POST /renew-token, POST /memory-pressure {on}, GET /state.
 */
export async function startAdminServer(admin: Admin): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer(async (req, res) => {
    try {
      const body = req.method === 'POST' ? ((await readJson(req)) ?? {}) : {};
      switch (`${req.method} ${req.url}`) {
        case 'GET /state': break;
        case 'POST /deny': admin.deny(body); break;
        case 'POST /allow': admin.allow(Object.keys(body).length ? body : undefined); break;
        case 'POST /metrics-available': admin.setMetricsAvailable(body.available !== false); break;
        case 'POST /delay': admin.setDelay(Number(body.ms ?? 0)); break;
        case 'POST /reachable': await admin.setReachable(body.reachable !== false); break;
        case 'POST /expire-token': admin.expireToken(); break;
        case 'POST /renew-token': admin.renewToken(); break;
        case 'POST /memory-pressure': admin.setNodeMemoryPressure(body.on !== false); break;
        default: return sendJson(res, 404, { error: `unknown admin request ${req.method} ${req.url}` });
      }
      sendJson(res, 200, admin.state());
    } catch (err) {
      sendJson(res, 400, { error: (err as Error).message });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
