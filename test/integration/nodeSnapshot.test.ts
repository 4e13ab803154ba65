// Two full heap snapshots of the emulator's leaking node-api pod (image node:slim, SIGUSR1 from an
// ephemeral debug container): strings are the constructor that grew between them, and the top site
// of the sampling profile over the same window is renderSession in server.js (the function whose
// payloads recentPayloads keeps). Afterwards the inspector no longer listens and only the second file
// stays; a target killed mid-capture or a cancel during a snapshot: a clear error, no file left.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { rawRequest } from '../cluster/client.ts';
import type { KubeConfig } from '@kubernetes/client-node';
import type { Cluster, ClusterConfig } from '../cluster/index.ts';
import { inspectorListens, rejection, startReadyCluster } from './captureCluster.ts';
import { captureNodeSnapshots } from '../../src/heap/node/snapshotCapture.ts';

const debugImage = 'ghcr.io/kube-memory-triage/debug:1';
const server = readFileSync(new URL('../cluster/workloads/node-api/server.js', import.meta.url), 'utf8').split('\n');
const leakLine = server.findIndex((l) => l.startsWith('function renderSession(id)')) + 1;
const pod = (name: string) => ({
  name, labels: { app: name },
  container: { name: 'api', image: 'node:slim', workload: 'node-api', env: { REQUESTS_PER_SECOND: '20', LEAK_KB_PER_REQUEST: '16' }, limits: { memory: '512Mi' }, ports: [8080] },
});
const config: Partial<ClusterConfig> = { readyDelayMs: 100, pods: [pod('leaky'), pod('victim'), pod('victim2')] };
const ref = (name: string) => ({ context: 'emulator', namespace: 'default', name });
let cluster: Cluster;
let kc: KubeConfig;
const listening = (name: string) => inspectorListens(kc, name);


describe('captureNodeSnapshots on real node processes', { timeout: 240_000 }, () => {
  before(async () => {
    ({ cluster, kc } = await startReadyCluster(config));
  });
  after(async () => {
    await cluster?.stop();
  });

  it('strings are the constructor that grew, the leaking line the top site; the inspector is closed afterwards', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'kmt-node-snapshots-'));
    const progress: string[] = [];
    const { report, file } = await captureNodeSnapshots(kc, ref('leaky'), 'api', { windowSeconds: 6, samplingIntervalBytes: 32768, debugImage, directory, onProgress: (m) => progress.push(m) });
    const top = report.sites.filter((s) => !s.library)[0];
    assert.equal(top?.file, '/usr/src/app/server.js', report.sites.slice(0, 3).map((s) => `${s.file}:${s.line} ${s.growthBytes}`).join(', '));
    assert.equal(top.line, leakLine);
    assert.equal(top.functionName, 'renderSession');
    // 20 requests a second keep 16 KiB each: over 6 s, well above 500 KB
    assert.ok(top.growthBytes! > 500_000, `it grew (${top.growthBytes})`);
    const grown = report.groups![0];
    assert.equal(grown?.name, '(string)');
    assert.equal(report.method.measure, 'growth');
    assert.match(report.method.description, /two V8 heap snapshots 6 s apart .* objects newer than node id \d+/);
    assert.ok(progress.some((m) => /^first heap snapshot: \d+%$/.test(m)) && progress.some((m) => /^second heap snapshot: 100%$/.test(m)), progress.join(' | '));
    assert.deepEqual(readdirSync(directory), [file.slice(directory.length + 1)], 'only the second snapshot stays');
    assert.ok(statSync(file).size > 1_000_000);
    assert.equal(await listening('leaky'), false, 'the inspector no longer listens');
  });

  it('cancelled during the first snapshot: cancelled, no file left, the inspector closed', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'kmt-node-snapshots-'));
    const controller = new AbortController();
    const err = await rejection(captureNodeSnapshots(kc, ref('leaky'), 'api', {
      windowSeconds: 6, samplingIntervalBytes: 32768, debugImage, directory, signal: controller.signal, onProgress: (m) => { if (m.startsWith('first heap snapshot')) controller.abort(); },
    }));
    assert.equal(err.kind, 'cancelled');
    assert.deepEqual(readdirSync(directory), []);
    // the target finishes its snapshot before it handles inspector.close()
    const deadline = Date.now() + 20_000;
    while (await listening('leaky')) {
      assert.ok(Date.now() < deadline, 'the inspector still listens 20 s after the cancel');
      await new Promise((r) => setTimeout(r, 500));
    }
  });

  it('a target killed mid-capture: target-gone, both files removed', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'kmt-node-snapshots-'));
    const err = await rejection(captureNodeSnapshots(kc, ref('victim'), 'api', { windowSeconds: 40, samplingIntervalBytes: 32768, debugImage, directory,
      onProgress: (_m, left) => { if (left !== undefined && left < 38) void rawRequest(cluster, '/api/v1/namespaces/default/pods/victim?gracePeriodSeconds=0', { method: 'DELETE' }); } }));
    assert.equal(err.kind, 'target-gone', err.message);
    assert.deepEqual(readdirSync(directory), []);
  });

  it('a target killed while its snapshot streams: target-gone, the partial file removed', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'kmt-node-snapshots-'));
    let killed = false;
    const err = await rejection(captureNodeSnapshots(kc, ref('victim2'), 'api', { windowSeconds: 6, samplingIntervalBytes: 32768, debugImage, directory,
      onProgress: (m) => {
        if (killed || !m.startsWith('first heap snapshot')) return;
        killed = true;
        void rawRequest(cluster, '/api/v1/namespaces/default/pods/victim2?gracePeriodSeconds=0', { method: 'DELETE' });
      } }));
    assert.ok(killed);
    assert.equal(err.kind, 'target-gone', err.message);
    assert.deepEqual(readdirSync(directory), []);
  });
});
