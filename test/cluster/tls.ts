// A throwaway CA and a server certificate for 127.0.0.1, made with openssl at start so
// clients verify the server exactly as they would a real cluster (no insecure-skip-tls).
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface ServerTls { caPem: string; certPem: string; keyPem: string }

export async function makeTls(dir: string): Promise<ServerTls> {
  const f = (name: string) => join(dir, name);
  const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await run('openssl', ['req', '-x509', ...ecKey, '-keyout', f('ca.key'), '-out', f('ca.crt'), '-days', '30',
    '-subj', '/CN=kube-memory-triage-emulator-ca', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  await run('openssl', ['req', ...ecKey, '-keyout', f('server.key'), '-out', f('server.csr'), '-subj', '/CN=kube-apiserver']);
  await writeFile(f('server.ext'), [
    'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes.default.svc',
    'extendedKeyUsage=serverAuth',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    '',
  ].join('\n'));
  await run('openssl', ['x509', '-req', '-in', f('server.csr'), '-CA', f('ca.crt'), '-CAkey', f('ca.key'), '-CAcreateserial',
    '-out', f('server.crt'), '-days', '30', '-extfile', f('server.ext')]);
  const [caPem, certPem, keyPem] = await Promise.all(['ca.crt', 'server.crt', 'server.key'].map((n) => readFile(f(n), 'utf8')));
  return { caPem, certPem, keyPem };
}
