// GET on a pod's pprof port through a port-forward: one forwarded connection per request, closed
// after it. The body is bounded (a profile is KBs to a few MBs), a slow answer times out.
import type { KubeConfig } from '@kubernetes/client-node';
import { request } from 'node:http';
import { connectPort, PortForwardError, type PortTarget } from '../../cluster/portForward.ts';
import { CaptureError } from '../captureError.ts';
import type { PprofGet } from './goCapture.ts';

const MAX_BODY = 64 * 1024 * 1024;

export function pprofOverPortForward(kc: KubeConfig, target: PortTarget, port: number, timeoutMs = 30_000): PprofGet {
  return async (path, signal) => {
    let conn;
    try {
      conn = await connectPort(kc, target, port, { signal });
    } catch (err) {
      if (err instanceof PortForwardError && err.kind === 'forbidden') throw new CaptureError('forbidden', `${err.message}.`, 'Ask for create on pods/portforward in this namespace.');
      throw err;
    }
    const socket = conn;
    return new Promise<Uint8Array>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const req = request({ path, host: 'localhost', headers: { 'accept-encoding': 'identity' }, createConnection: () => socket as never, timeout: timeoutMs, signal }, (res) => {
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_BODY) req.destroy(new Error(`the answer is larger than ${MAX_BODY / 1048576} MiB`));
          else chunks.push(c);
        });
        res.on('end', () => {
          if (res.statusCode !== 200) return reject(new Error(`HTTP ${res.statusCode ?? '?'} for ${path.split('?')[0]}`));
          resolve(Buffer.concat(chunks));
        });
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
      req.on('error', reject);
      req.end();
    }).finally(() => socket.destroy());
  };
}
