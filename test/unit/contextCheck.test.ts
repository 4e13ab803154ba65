// The kubeconfig read again before a change: the tree's session must still be the current
// context, pointed at the same server.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { contextMismatch } from '../../src/cluster/contextCheck.ts';
import { openSession } from '../../src/cluster/session.ts';

const kubeconfig = (current: string, stagingServer = 'https://staging.example:6443') => `apiVersion: v1
kind: Config
clusters:
- name: staging
  cluster: { server: '${stagingServer}' }
- name: prod
  cluster: { server: 'https://prod.example:6443' }
users:
- name: me
  user: { token: t }
contexts:
- name: staging
  context: { cluster: staging, user: me }
- name: prod
  context: { cluster: prod, user: me }
current-context: ${current}
`;

test('agrees, then refuses when the current context moves or the context points elsewhere', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kmt-ctx-'));
  try {
    const file = join(dir, 'config');
    writeFileSync(file, kubeconfig('staging'));
    const session = openSession({ context: '', namespace: '', labelSelector: '' }, file);
    assert.equal(contextMismatch(session, file), undefined);
    writeFileSync(file, kubeconfig('prod'));
    assert.match(contextMismatch(session, file) ?? '', /current context is "prod" but the tree shows "staging"/);
    writeFileSync(file, kubeconfig('staging', 'https://other.example:6443'));
    assert.match(contextMismatch(session, file) ?? '', /now points at https:\/\/other\.example:6443, not at https:\/\/staging\.example:6443/);
    rmSync(file);
    assert.match(contextMismatch(session, file) ?? '', /cannot be read again/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
