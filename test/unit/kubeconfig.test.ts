import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { ClusterError } from '../../src/cluster/clusterError.ts';
import { kubeconfigFiles, loadKubeConfig } from '../../src/cluster/kubeconfig.ts';
import { openSession } from '../../src/cluster/session.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'kmt-kubeconfig-'));
after(() => rmSync(dir, { recursive: true, force: true }));
function write(name: string, body: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, body);
  return file;
}

// Two files like a laptop with a work and a personal cluster; both define "shared".
const first = write('first.yaml', `apiVersion: v1
kind: Config
current-context: work
clusters:
- name: work
  cluster: { server: https://work.example:6443, certificate-authority: ca.crt }
- name: shared
  cluster: { server: https://first-shared.example }
users:
- name: work-user
  user:
    exec: { apiVersion: client.authentication.k8s.io/v1, command: work-login, args: [token] }
contexts:
- name: work
  context: { cluster: work, user: work-user, namespace: payments }
- name: shared
  context: { cluster: shared, user: work-user }
`);
const second = write('second.yaml', `apiVersion: v1
kind: Config
current-context: home
clusters:
- name: home
  cluster: { server: https://home.example }
- name: shared
  cluster: { server: https://second-shared.example }
users:
- name: home-user
  user: { token: not-a-real-token }
contexts:
- name: home
  context: { cluster: home, user: home-user }
`);

test('KUBECONFIG with several files merges with kubectl first-wins rules', () => {
  const env = { KUBECONFIG: [first, path.join(dir, 'missing.yaml'), second].join(path.delimiter) };
  assert.deepEqual(kubeconfigFiles(undefined, env, dir), [first, second]);
  const { kubeConfig } = loadKubeConfig(undefined, env, dir);
  assert.equal(kubeConfig.getCurrentContext(), 'work'); // client-node's loadFromDefault would say "home"
  assert.equal(kubeConfig.getCluster('shared')?.server, 'https://first-shared.example');
  assert.deepEqual(kubeConfig.getContexts().map((c) => c.name).sort(), ['home', 'shared', 'work']);
  // relative paths resolve against the file that names them, as kubectl does
  assert.equal(kubeConfig.getCluster('work')?.caFile, path.join(dir, 'ca.crt'));
  assert.equal(kubeConfig.getUser('work-user')?.exec?.command, 'work-login');
});

test('a session takes the context namespace, a chosen namespace, or all namespaces', () => {
  const env = { KUBECONFIG: [first, second].join(path.delimiter) };
  const s = openSession({ context: '', namespace: '', labelSelector: 'app=api' }, undefined, env);
  assert.equal(s.contextName, 'work');
  assert.equal(s.namespace, 'payments');
  assert.equal(s.server, 'https://work.example:6443');
  const home = openSession({ context: 'home', namespace: '*', labelSelector: '' }, undefined, env);
  assert.equal(home.namespace, undefined);
  assert.equal(home.kubeConfig.getCurrentContext(), 'home');
  assert.equal(home.describe(), 'home / all namespaces / all pods');
  assert.equal(openSession({ context: 'home', namespace: '', labelSelector: '' }, undefined, env).namespace, 'default');
});

test('no kubeconfig and unknown contexts are ClusterErrors, not a localhost fallback', () => {
  assert.throws(() => loadKubeConfig(undefined, {}, path.join(dir, 'nohome')), (e: unknown) => e instanceof ClusterError && e.kind === 'no-kubeconfig');
  assert.throws(() => openSession({ context: 'nope', namespace: '', labelSelector: '' }, first), (e: unknown) => e instanceof ClusterError && e.kind === 'no-context');
  assert.throws(() => loadKubeConfig(write('broken.yaml', 'clusters: [ {')), (e: unknown) => e instanceof ClusterError && e.kind === 'bad-kubeconfig');
});
