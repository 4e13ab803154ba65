// Whether the pod listens on 127.0.0.1:<port>: /proc/net/tcp read in the container (a pod's
// containers share one network namespace). Lines: "sl local_address rem_address st ...", the
// address as little-endian hex IP:port, state 0A = LISTEN.
import type { ExecResult } from '../../cluster/podExec.ts';

export function listensOn(procNetTcp: string, port: number): boolean {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  return procNetTcp.split('\n').slice(1).some((line) => {
    const [, local, , state] = line.trim().split(/\s+/);
    return state === '0A' && (local === `0100007F:${hexPort}` || local === `00000000:${hexPort}`);
  });
}

export async function inspectorListening(run: (argv: string[]) => Promise<ExecResult>, port: number): Promise<boolean> {
  const r = await run(['cat', '/proc/net/tcp']);
  return r.exitCode === 0 && listensOn(r.stdout, port);
}
