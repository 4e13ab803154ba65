import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { readCaFile } from '../../src/prometheus/caFile.ts';
import { PrometheusClient } from '../../src/prometheus/client.ts';
import { PrometheusError, PrometheusUnreachableError } from '../../src/prometheus/errors.ts';
import { UrlTransport } from '../../src/prometheus/urlTransport.ts';
import { makeTls } from '../cluster/tls.ts';
import { startLocalPrometheus, type LocalPrometheus } from './localPrometheus.ts';
import { trendHistory } from './trendHistory.ts';

// A real Prometheus serving HTTPS with a certificate from a private CA (its own tls_server_config),
// as an internal Thanos or Mimir gateway often is: verified against memoryTriage.prometheus.caFile,
// and refused with a hint that names the setting when the CA is not given.

let prom: LocalPrometheus;
let dir: string;
let caPath: string;
let otherCaPath: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kmt-tls-'));
  const [ours, other] = await Promise.all([mkdtemp(join(dir, 'a-')), mkdtemp(join(dir, 'b-'))]);
  const [tls, otherTls] = await Promise.all([makeTls(ours), makeTls(other)]);
  caPath = join(ours, 'ca.crt');
  otherCaPath = join(other, 'ca.crt');
  prom = await startLocalPrometheus(trendHistory(Math.floor(Date.now() / 1000)), undefined, tls);
  assert.ok(otherTls.caPem !== tls.caPem);
});
after(async () => {
  await prom?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function ask(caFile?: string): Promise<unknown> {
  const ca = caFile ? await readCaFile(caFile) : undefined;
  const client = new PrometheusClient(new UrlTransport({ url: prom.url, ca }));
  try {
    return await client.query('vector(1)');
  } finally {
    await client.transport.close();
  }
}

test('the private CA from the CA file verifies the server: the query is answered', async () => {
  assert.match(prom.url, /^https:/);
  assert.equal(((await ask(caPath)) as unknown[]).length, 1);
});

test('without the CA file the certificate is refused, and the hint names the setting', async () => {
  await assert.rejects(ask(), (err: unknown) => {
    assert.ok(err instanceof PrometheusUnreachableError, String(err));
    assert.match(err.code ?? '', /SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT/);
    assert.match(err.hint ?? '', /memoryTriage\.prometheus\.caFile/);
    return true;
  });
});

test('another CA in the file: refused, and the hint says which file did not match', async () => {
  await assert.rejects(ask(otherCaPath), (err: unknown) => {
    assert.ok(err instanceof PrometheusUnreachableError, String(err));
    assert.ok(err.hint?.includes(otherCaPath), err.hint);
    return true;
  });
});

test('a CA file that is missing, relative, or holds no certificate is said before any request', async () => {
  const keyOnly = join(dir, 'key.pem');
  await writeFile(keyOnly, '-----BEGIN PRIVATE KEY-----\nMIGHAgEA\n-----END PRIVATE KEY-----\n');
  const cases: [string, RegExp][] = [
    [join(dir, 'missing.crt'), /Cannot read the CA file .*missing\.crt \(ENOENT\)/],
    ['ca.crt', /not an absolute path/],
    [keyOnly, /holds no PEM certificate/],
    [dir, /not a PEM file/],
  ];
  for (const [path, message] of cases) {
    await assert.rejects(readCaFile(path), (err: unknown) => {
      assert.ok(err instanceof PrometheusError, String(err));
      assert.match(err.message, message);
      assert.match(err.hint ?? '', /memoryTriage\.prometheus\.caFile/);
      return true;
    });
  }
});

test('only the certificates of the file are kept, never a key next to them', async () => {
  const bundle = join(dir, 'bundle.pem');
  const { pem } = await readCaFile(caPath);
  await writeFile(bundle, `-----BEGIN PRIVATE KEY-----\nMIGHAgEA\n-----END PRIVATE KEY-----\n${pem}\n`);
  const read = await readCaFile(bundle);
  assert.doesNotMatch(read.pem, /PRIVATE KEY/);
  assert.equal(read.pem, pem);
});
