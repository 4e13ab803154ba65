import { readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { PrometheusError } from './errors.ts';

const HINT = 'Set "memoryTriage.prometheus.caFile" to a PEM file holding the CA certificate(s) that sign your Prometheus\'s certificate.';
// A CA bundle is a few hundred KiB at most; a bigger file is a mistake, not a bundle.
const MAX_BYTES = 4 * 1024 * 1024;

/** Reads the PEM file of a private CA: absolute or `~/` path, certificates only. */
export async function readCaFile(path: string): Promise<{ pem: string; file: string }> {
  const file = path.startsWith('~/') ? join(homedir(), path.slice(2)) : path;
  if (!isAbsolute(file)) throw new PrometheusError(`The CA file "${path}" is not an absolute path.`, HINT);
  let pem: string;
  try {
    const info = await stat(file);
    if (!info.isFile() || info.size > MAX_BYTES) throw new PrometheusError(`The CA file ${file} is not a PEM file of certificates.`, HINT);
    pem = await readFile(file, 'utf8');
  } catch (err) {
    if (err instanceof PrometheusError) throw err;
    const code = (err as { code?: string }).code;
    throw new PrometheusError(`Cannot read the CA file ${file}${code ? ` (${code})` : ''}.`, HINT);
  }
  // never a private key: only the certificates are kept, so nothing else is handed to TLS
  const certificates = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
  if (!certificates) throw new PrometheusError(`The CA file ${file} holds no PEM certificate ("-----BEGIN CERTIFICATE-----").`, HINT);
  return { pem: certificates.join('\n'), file };
}
