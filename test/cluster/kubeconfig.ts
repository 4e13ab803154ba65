// Writes the kubeconfig a person or a test points kubectl / client-node at.
// YAML by hand: the shape is fixed and this avoids a YAML dependency.
import { writeFile } from 'node:fs/promises';

export interface KubeconfigInput { path: string; server: string; caPem: string; token: string; user: string; context?: string; namespace?: string }

export async function writeKubeconfig(k: KubeconfigInput): Promise<void> {
  const context = k.context ?? 'emulator';
  const ca = Buffer.from(k.caPem).toString('base64');
  const text = [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: emulator',
    '  cluster:',
    `    server: ${k.server}`,
    `    certificate-authority-data: ${ca}`,
    'users:',
    `- name: ${JSON.stringify(k.user)}`,
    '  user:',
    `    token: ${JSON.stringify(k.token)}`,
    'contexts:',
    `- name: ${context}`,
    '  context:',
    '    cluster: emulator',
    `    user: ${JSON.stringify(k.user)}`,
    `    namespace: ${k.namespace ?? 'default'}`,
    `current-context: ${context}`,
    'preferences: {}',
    '',
  ].join('\n');
  await writeFile(k.path, text, { mode: 0o600 });
}
