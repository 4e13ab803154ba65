// A kubeconfig whose user gets its token from an exec credential plugin (as `aws eks get-token`
// or `gke-gcloud-auth-plugin` do), pointed at the local cluster.
import { chmodSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Cluster } from '../cluster/index.ts';

/** Writes an executable shell script (the plugin) into dir. */
export function writeScript(dir: string, name: string, body: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, `#!/bin/sh\n${body}`);
  chmodSync(file, 0o755);
  return file;
}

/** A plugin that prints this token; `counter`: a file it appends a line to on every run. */
export function tokenPlugin(dir: string, name: string, token: string, counter?: string): string {
  return writeScript(dir, name, `${counter ? `echo run >> ${counter}\n` : ''}echo '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"${token}"}}'\n`);
}

export function execKubeconfig(cluster: Cluster, dir: string, name: string, context: string, command: string, args: readonly string[] = []): string {
  const file = path.join(dir, name);
  writeFileSync(file, `apiVersion: v1
kind: Config
current-context: ${context}
clusters:
- name: ${context}
  cluster:
    server: ${cluster.apiUrl}
    certificate-authority-data: ${Buffer.from(cluster.caPem).toString('base64')}
users:
- name: ${context}-user
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: ${command}
      args: ${JSON.stringify(args)}
      interactiveMode: Never
contexts:
- name: ${context}
  context: { cluster: ${context}, user: ${context}-user, namespace: default }
`);
  return file;
}
