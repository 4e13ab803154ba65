// The client-side port-forward (src/cluster/portForward.ts) against the emulator's pods/portforward:
// an in-memory connection and a local listener both reach the node-api pod's HTTP port; a port
// nobody listens on, a 403 and a missing pod end with messages that say which; close() leaves no
// connection open (the pod-side socket is closed too: the server sees its connection end).
import assert from 'node:assert/strict';
import { KubeConfig } from '@kubernetes/client-node';
import { after, before, describe, it } from 'node:test';
import { startCluster, type Cluster, type ClusterConfig } from '../cluster/index.ts';
import { connectPort, PortForwardError, PortListener } from '../../src/cluster/portForward.ts';

const config: Partial<ClusterConfig> = {
  readyDelayMs: 100,
  pods: [{ name: 'sessions', labels: { app: 'sessions' }, container: { name: 'api', image: 'node:slim', workload: 'node-api', env: { REQUESTS_PER_SECOND: '0' }, limits: { memory: '256Mi' }, ports: [8080] } }],
};
const target = { namespace: 'default', pod: 'sessions' };
let cluster: Cluster;
let kc: KubeConfig;

async function failure(p: Promise<unknown>): Promise<PortForwardError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof PortForwardError, `a PortForwardError, not ${String(err)}`);
    return err;
  }
  assert.fail('it succeeded');
}

/** An HTTP/1.0 GET over a raw duplex: what came back until the server closed. */
async function get(conn: import('node:stream').Duplex, path: string): Promise<string> {
  const chunks: Buffer[] = [];
  conn.on('data', (c: Buffer) => chunks.push(c));
  conn.write(`GET ${path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n`);
  await new Promise<void>((resolve, reject) => { conn.on('close', resolve); conn.on('error', reject); });
  return Buffer.concat(chunks).toString('utf8');
}

describe('port-forward through the API server', { timeout: 120_000 }, () => {
  before(async () => {
    cluster = await startCluster({ config, prometheus: false });
    kc = new KubeConfig();
    kc.loadFromFile(cluster.kubeconfigPath);
    const deadline = Date.now() + 60_000;
    while (!(cluster.store.get('pods', 'default', 'sessions')?.status as { containerStatuses?: { ready?: boolean }[] })?.containerStatuses?.[0]?.ready) {
      assert.ok(Date.now() < deadline, 'the pod did not get ready');
      await new Promise((r) => setTimeout(r, 200));
    }
  });
  after(async () => {
    await cluster?.stop();
  });

  it('an in-memory connection reaches the pod\'s port and ends when the server closes', async () => {
    const conn = await connectPort(kc, target, 8080);
    const reply = await get(conn, '/health');
    assert.match(reply, /^HTTP\/1\.1 200 OK/);
    assert.match(reply, /\{"status":"ok"\}$/);
    assert.ok(conn.destroyed);
  });

  it('a local listener forwards each connection; close() closes every one of them', async () => {
    const listener = await PortListener.open(kc, target, 8080);
    try {
      const [a, b] = await Promise.all([fetch(`http://127.0.0.1:${listener.localPort}/health`), fetch(`http://127.0.0.1:${listener.localPort}/sessions/7`)]);
      assert.equal(a.status, 200);
      assert.equal(((await a.json()) as { status: string }).status, 'ok');
      assert.equal(b.status, 200);
      assert.equal(((await b.json()) as { id: number }).id, 7);
      // a keep-alive connection stays open until close()
      const held = await connectPort(kc, target, 8080);
      held.destroy();
      assert.ok(listener.openConnections > 0, 'fetch keeps its connection alive');
    } finally {
      await listener.close();
    }
    assert.equal(listener.openConnections, 0);
    await assert.rejects(fetch(`http://127.0.0.1:${listener.localPort}/health`), 'nothing listens after close()');
    assert.equal(listener.failure, undefined);
  });

  it('a port nobody listens on: refused, with the kubelet\'s words', async () => {
    const conn = await connectPort(kc, target, 9229);
    const err = await failure(new Promise((resolve, reject) => { conn.on('error', reject); conn.on('close', resolve); }));
    assert.equal(err.kind, 'refused');
    assert.match(err.message, /^port-forward to port 9229 of default\/sessions: error forwarding port 9229/);
    const listener = await PortListener.open(kc, target, 9229);
    try {
      await assert.rejects(fetch(`http://127.0.0.1:${listener.localPort}/json/list`));
      assert.equal(listener.failure?.kind, 'refused');
    } finally {
      await listener.close();
    }
  });

  it('a 403 names the permission; a pod that is not there says so', async () => {
    cluster.admin.deny({ verb: 'create', resource: 'pods', subresource: 'portforward', namespace: 'default' });
    try {
      const err = await failure(connectPort(kc, target, 8080));
      assert.equal(err.kind, 'forbidden');
      assert.equal(err.message, 'port-forward to port 8080 of default/sessions was refused (403): it needs permission to create pods/portforward in namespace default');
    } finally {
      cluster.admin.allow();
    }
    const err = await failure(connectPort(kc, { namespace: 'default', pod: 'nope' }, 8080));
    assert.equal(err.kind, 'not-found');
  });
});
