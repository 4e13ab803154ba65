import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

// A real Debian Prometheus for the integration tests: history written as OpenMetrics, turned into
// TSDB blocks by promtool, then served on a free port. Until the emulator's own Prometheus
// (test/cluster/prometheus) is the only one, this lets the client be tested against the real thing.

const run = promisify(execFile);

export interface ServerTls {
  readonly certPem: string;
  readonly keyPem: string;
  readonly caPem: string;
}

function readyStatus(url: string, ca: string | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    const done = (res: { statusCode?: number; resume(): void }) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    };
    const req = ca ? httpsGet(url, { ca }, done) : httpGet(url, done);
    req.once('error', reject);
    req.setTimeout(2000, () => req.destroy(new Error('timeout')));
  });
}

export interface LocalPrometheus {
  readonly url: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

/**
 * `webConfig`: Prometheus's --web.config.file text (basic_auth_users), when wanted; `tls`: serve
 * HTTPS with that certificate (Prometheus's own tls_server_config), the URL is then https://.
 */
export async function startLocalPrometheus(openMetrics: string, webConfig?: string, tls?: ServerTls, rules?: string): Promise<LocalPrometheus> {
  const dir = await mkdtemp(join(tmpdir(), 'kmt-prom-'));
  const data = join(dir, 'tsdb');
  await writeFile(join(dir, 'history.om'), openMetrics);
  await run('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', join(dir, 'history.om'), data]);
  // `rules`: a rules file, evaluated every second so a test sees its alerts fire without waiting
  if (rules !== undefined) await writeFile(join(dir, 'rules.yml'), rules);
  const ruleConfig = rules === undefined ? '' : `  evaluation_interval: 1s\nrule_files:\n  - ${join(dir, 'rules.yml')}\n`;
  await writeFile(join(dir, 'prometheus.yml'), `global:\n  scrape_interval: 15s\n${ruleConfig}scrape_configs: []\n`);
  if (tls) {
    await writeFile(join(dir, 'server.crt'), tls.certPem);
    await writeFile(join(dir, 'server.key'), tls.keyPem);
    webConfig = `${webConfig ?? ''}tls_server_config:\n  cert_file: ${join(dir, 'server.crt')}\n  key_file: ${join(dir, 'server.key')}\n`;
  }
  if (webConfig) await writeFile(join(dir, 'web.yml'), webConfig);
  const port = await freePort();
  const child: ChildProcess = spawn(
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${data}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=30d',
      '--log.level=warn',
      ...(webConfig ? [`--web.config.file=${join(dir, 'web.yml')}`] : []),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const url = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      const status = await readyStatus(`${url}/-/ready`, tls?.caPem);
      if (status === 200 || status === 401) return { url, stop }; // 401: up, behind basic auth
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await stop();
  throw new Error(`Prometheus did not become ready: ${stderr}`);
}
