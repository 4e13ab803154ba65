// Debian's real Prometheus 2.42 for the emulated cluster: history backfilled with promtool,
// then live scrapes of the emulator's /metrics every 5 s.
import { execFile, spawn } from 'node:child_process';
import { Reaper } from '../runtime/reaper.ts';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { renderHistory } from './backfill.ts';
import type { ContainerHistory } from './backfill.ts';
import type { MetricsPod } from './exposition.ts';

const run = promisify(execFile);

export interface PrometheusOptions {
  metricsUrl: string;
  dataDir: string;
  backfill?: { pods: MetricsPod[]; minutes: number; leakPerMinuteBytes?: number; restartsFromHistory?: boolean };
  /**
   * Called with the history's OOM kills before Prometheus starts (so before its first scrape): the
   * emulator seeds restart counts and lastState from it, and the first live sample already agrees.
   */
  onHistory?: (history: ContainerHistory[]) => void;
}
export interface RunningPrometheus { url: string; stop(): Promise<void>; history: ContainerHistory[] }

// Two jobs on one endpoint, as a cluster has a cAdvisor job and a kube-state-metrics job.
const jobs = { cadvisor: 'kubernetes-cadvisor', kubeStateMetrics: 'kube-state-metrics' };

function config(target: string, metricsPath: string): string {
  const job = (name: string, keep: string) => [
    `  - job_name: ${name}`,
    // The endpoint's own namespace/pod/container labels are the ones queries select on.
    '    honor_labels: true',
    `    metrics_path: ${JSON.stringify(metricsPath)}`,
    `    static_configs: [{ targets: [${JSON.stringify(target)}] }]`,
    `    metric_relabel_configs: [{ source_labels: [__name__], regex: ${JSON.stringify(keep)}, action: keep }]`,
  ].join('\n');
  return ['global:', '  scrape_interval: 5s', '  scrape_timeout: 4s', '  evaluation_interval: 15s', 'scrape_configs:',
    job(jobs.cadvisor, 'container_.*'), job(jobs.kubeStateMetrics, 'kube_.*'), ''].join('\n');
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function startPrometheus(opts: PrometheusOptions): Promise<RunningPrometheus> {
  const target = new URL(opts.metricsUrl);
  const tsdb = join(opts.dataDir, 'tsdb');
  // A fresh database each start: an old head or old blocks would overlap the new backfill.
  await rm(tsdb, { recursive: true, force: true });
  await mkdir(tsdb, { recursive: true });
  let history: ContainerHistory[] = [];
  if (opts.backfill && opts.backfill.minutes > 0 && opts.backfill.pods.length > 0) {
    const { text, containers } = renderHistory(opts.backfill.pods, {
      minutes: opts.backfill.minutes, leakPerMinuteBytes: opts.backfill.leakPerMinuteBytes, nowMs: Date.now(),
      restartsFromHistory: opts.backfill.restartsFromHistory,
      targetLabels: { cadvisor: { job: jobs.cadvisor, instance: target.host }, kubeStateMetrics: { job: jobs.kubeStateMetrics, instance: target.host } },
    });
    history = containers;
    const file = join(opts.dataDir, 'history.om');
    await writeFile(file, text);
    // promtool cuts the history into 2h-aligned blocks; the newest block ends at the last sample,
    // which is before the first live scrape, so the head accepts the live samples (its minimum
    // valid time is the newest block's end).
    await run('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', file, tsdb], { maxBuffer: 16 * 1024 * 1024 });
    await rm(file, { force: true });
  }
  opts.onHistory?.(history);
  const configFile = join(opts.dataDir, 'prometheus.yml');
  await writeFile(configFile, config(target.host, target.pathname || '/metrics'));
  const port = await freePort();
  const child = spawn('prometheus', [
    `--config.file=${configFile}`,
    `--storage.tsdb.path=${tsdb}`,
    `--web.listen-address=127.0.0.1:${port}`,
    // Retention is counted back from the newest sample; backfilled blocks are hours old at most.
    '--storage.tsdb.retention.time=15d',
    '--log.level=warn',
  ], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  // Its own group, watched by a reaper: it must not outlive an emulator killed by SIGKILL either.
  const reaper = new Reaper();
  if (child.pid !== undefined) reaper.add(child.pid);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000); });
  const exited = new Promise<void>((resolve) => child.once('exit', () => { reaper.dispose(); resolve(); }));
  // If the emulator dies without stop(), Prometheus must not outlive it.
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    process.off('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}: ${stderr.trim()}`);
    const ready = await fetch(`${url}/-/ready`).then((r) => r.ok, () => false);
    if (ready) return { url, stop, history };
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus not ready after 30 s: ${stderr.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
