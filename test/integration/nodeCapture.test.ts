// Runbook step 3 for Node.js against the emulator's node-api pods (image node:slim, no kill binary:
// SIGUSR1 comes from an ephemeral debug container): the leaking pod's top growth site is
// renderSession in server.js (its function line: the profile is per function), whose payloads recentPayloads keeps; afterwards
// the inspector no longer listens and no forward stays open. Faults: --disable-sigusr1, a port
// 9229 already taken, port-forward denied: clear messages, nothing left listening.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { rawRequest } from '../cluster/client.ts';
import type { KubeConfig } from '@kubernetes/client-node';
import type { Cluster, ClusterConfig } from '../cluster/index.ts';
import { inspectorListens, rejection, startReadyCluster } from './captureCluster.ts';
import { captureNode } from '../../src/heap/node/nodeCapture.ts';

const debugImage = 'ghcr.io/kube-memory-triage/debug:1';
const server = readFileSync(new URL('../cluster/workloads/node-api/server.js', import.meta.url), 'utf8').split('\n');
// A sampling heap profile attributes bytes to functions: its frames carry the function's own line.
const leakLine = server.findIndex((l) => l.startsWith('function renderSession(id)')) + 1;
const pod = (name: string, env: Record<string, string>, more: Record<string, unknown> = {}) => ({
  name, labels: { app: name },
  container: { name: 'api', image: 'node:slim', workload: 'node-api', env: { REQUESTS_PER_SECOND: '20', ...env }, limits: { memory: '512Mi' }, ports: [8080], ...more },
});
const config: Partial<ClusterConfig> = {
  readyDelayMs: 100,
  pods: [
    pod('leaky', { LEAK_KB_PER_REQUEST: '16' }),
    pod('nosignal', { LEAK_KB_PER_REQUEST: '16' }, { command: ['node', '--disable-sigusr1', '/usr/src/app/server.js'] }),
    pod('victim', { LEAK_KB_PER_REQUEST: '16' }),
    pod('taken', { LEAK_KB_PER_REQUEST: '16' }, { command: ['node', '--inspect=127.0.0.1:9229', '/usr/src/app/server.js'] }),
  ],
};
const ref = (name: string) => ({ context: 'emulator', namespace: 'default', name });
let cluster: Cluster;
let kc: KubeConfig;
const capture = (name: string) => captureNode(kc, ref(name), 'api', { windowSeconds: 6, samplingIntervalBytes: 32768, debugImage });
const listening = (name: string) => inspectorListens(kc, name);


describe('captureNode on real node processes', { timeout: 180_000 }, () => {
  before(async () => {
    ({ cluster, kc } = await startReadyCluster(config));
  });
  after(async () => {
    await cluster?.stop();
  });

  it('the leaking line is the top growth site; the inspector is closed afterwards', async () => {
    assert.ok(leakLine > 0);
    const report = await capture('leaky');
    const top = report.sites.filter((s) => !s.library)[0];
    assert.equal(report.runtime, 'node');
    assert.equal(top?.file, '/usr/src/app/server.js', report.sites.slice(0, 3).map((s) => `${s.file}:${s.line}`).join(', '));
    assert.equal(top.line, leakLine);
    assert.equal(top.functionName, 'renderSession');
    assert.ok(top.growthBytes! > 100_000, `it grew (${top.growthBytes})`);
    assert.match(report.method.description, /ephemeral container kmt-debug-/);
    assert.equal(await listening('leaky'), false, 'the inspector no longer listens');
    // a second capture opens it again
    const again = await capture('leaky');
    assert.equal(again.sites.filter((s) => !s.library)[0]?.line, leakLine);
    assert.equal(await listening('leaky'), false);
  });

  it('a target killed mid-capture: target-gone at once, not at the end of the window', async () => {
    const t0 = Date.now();
    const capturing = rejection(captureNode(kc, ref('victim'), 'api', { windowSeconds: 40, samplingIntervalBytes: 32768, debugImage,
      onProgress: (_m, left) => { if (left !== undefined && left < 37) void rawRequest(cluster, '/api/v1/namespaces/default/pods/victim?gracePeriodSeconds=0', { method: 'DELETE' }); } }));
    const err = await capturing;
    assert.equal(err.kind, 'target-gone', err.message);
    assert.ok(Date.now() - t0 < 30_000, `it ended when the target died (${Date.now() - t0} ms)`);
  });

  it('--disable-sigusr1: says so, after 10 s, nothing listening', async () => {
    const err = await rejection(capture('nosignal'));
    assert.equal(err.kind, 'failed');
    assert.match(err.message, /did not open its inspector .* \(started with --disable-sigusr1/);
  });

  it('an inspector already on 9229: busy, and it is left alone', async () => {
    const err = await rejection(capture('taken'));
    assert.equal(err.kind, 'busy');
    assert.equal(await listening('taken'), true);
  });

  it('port-forward denied: forbidden, named before any signal is sent', async () => {
    cluster.admin.deny({ verb: 'create', resource: 'pods', subresource: 'portforward', namespace: 'default' });
    try {
      const err = await rejection(capture('leaky'));
      assert.equal(err.kind, 'forbidden');
      assert.equal(err.message, 'Profiling the live Node.js process needs permission to create pods/portforward in namespace default.');
    } finally {
      cluster.admin.allow();
    }
    assert.equal(await listening('leaky'), false);
  });
});
