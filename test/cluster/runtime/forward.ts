// Port-forward into a pod: nsexec.py's forward mode connects to 127.0.0.1:<port> inside the pod's
// network namespace (as the kubelet's streaming server does) and relays bytes over its stdio.
// The result is a Duplex that a port-forward session or an http.request can use as its socket.
import { spawn } from 'node:child_process';
import { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { hostPython } from './nsexecProcess.ts';

const script = fileURLToPath(new URL('./nsexec.py', import.meta.url));

function refused(message: string): Error {
  return Object.assign(new Error(message), { code: 'ECONNREFUSED' });
}

export function forward(sandboxPid: number | undefined, port: number, podKey: string): Duplex {
  if (!sandboxPid) {
    const d = new Duplex({ read() {}, write(_c, _e, cb) { cb(); } });
    process.nextTick(() => d.destroy(refused(`connect ECONNREFUSED: pod ${podKey} has no sandbox`)));
    return d;
  }
  const child = spawn(hostPython, [script, 'forward', JSON.stringify({ sandboxPid, port })], { stdio: ['pipe', 'pipe', 'pipe', 'pipe'] });
  let status = '';
  let connected = false;
  const duplex = new Duplex({
    read() { child.stdout!.resume(); },
    write(chunk, _enc, cb) { child.stdin!.write(chunk, cb); },
    final(cb) { child.stdin!.end(); cb(); },
    destroy(err, cb) { child.kill('SIGKILL'); cb(err); },
  });
  child.on('error', (err) => duplex.destroy(err));
  child.stdin!.on('error', () => {});
  child.stdout!.on('data', (d: Buffer) => { if (!duplex.push(d)) child.stdout!.pause(); });
  // Without a connection the end of output is no end of stream: the error below destroys it.
  child.stdout!.on('end', () => { if (connected) duplex.push(null); });
  const pipe = child.stdio[3] as NodeJS.ReadableStream;
  pipe.setEncoding('utf8');
  pipe.on('data', (d: string) => {
    status += d;
    if (!connected && /^connected$/m.test(status)) { connected = true; duplex.emit('connect'); }
  });
  child.on('close', () => {
    if (connected || duplex.destroyed) return;
    const error = /^error (.*)$/m.exec(status)?.[1];
    duplex.destroy(refused(error ? `connect ECONNREFUSED: ${error}` : `connect ECONNREFUSED: nothing listens on port ${port} in ${podKey}`));
  });
  return duplex;
}
