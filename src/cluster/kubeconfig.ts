import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';
import { KubeConfig, type Cluster, type Context, type User } from '@kubernetes/client-node';
import { ClusterError } from './clusterError.ts';

// Which files kubectl would read: an explicit path (our setting, like --kubeconfig) wins; else
// every file of KUBECONFIG that exists (kubectl skips missing ones); else ~/.kube/config.
export function kubeconfigFiles(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env, home = homedir()): string[] {
  if (explicit && explicit.trim() !== '') {
    const file = expandHome(explicit.trim(), home);
    return existsSync(file) ? [file] : [];
  }
  const list = env.KUBECONFIG;
  if (list && list.length > 0) {
    const seen = new Set<string>();
    return list
      .split(path.delimiter)
      .filter((f) => f !== '')
      .map((f) => expandHome(f, home))
      .filter((f) => existsSync(f) && !seen.has(f) && seen.add(f) !== undefined);
  }
  const fallback = path.join(home, '.kube', 'config');
  return existsSync(fallback) ? [fallback] : [];
}

function expandHome(file: string, home: string): string {
  return file === '~' || file.startsWith('~/') ? path.join(home, file.slice(1)) : file;
}

export interface LoadedKubeConfig {
  readonly kubeConfig: KubeConfig;
  readonly files: readonly string[];
}

// client-node's loadFromDefault lets a later KUBECONFIG file override the current context and
// throws on a duplicate name; kubectl instead keeps the first value it meets for every name and
// for current-context. We load each file with client-node (so relative cert paths, exec and OIDC
// auth behave as upstream) and merge with kubectl's first-wins rule.
export function loadKubeConfig(explicit?: string, env: NodeJS.ProcessEnv = process.env, home = homedir()): LoadedKubeConfig {
  const files = kubeconfigFiles(explicit, env, home);
  if (files.length === 0) {
    const where = explicit ? explicit : env.KUBECONFIG ? `KUBECONFIG (${env.KUBECONFIG})` : path.join(home, '.kube', 'config');
    throw new ClusterError('no-kubeconfig', `No kubeconfig found at ${where}.`, 'Set memoryTriage.kubeconfig or KUBECONFIG, or create ~/.kube/config.');
  }
  const clusters = new Map<string, Cluster>();
  const users = new Map<string, User>();
  const contexts = new Map<string, Context>();
  let currentContext = '';
  for (const file of files) {
    const one = new KubeConfig();
    try {
      one.loadFromFile(file);
    } catch (err) {
      throw new ClusterError('bad-kubeconfig', `Cannot read kubeconfig ${file}: ${(err as Error).message}`, 'Check the file with `kubectl config view`.');
    }
    for (const c of one.getClusters()) if (!clusters.has(c.name)) clusters.set(c.name, c);
    for (const u of one.getUsers()) if (!users.has(u.name)) users.set(u.name, u);
    for (const c of one.getContexts()) if (!contexts.has(c.name)) contexts.set(c.name, c);
    if (!currentContext && one.getCurrentContext()) currentContext = one.getCurrentContext();
  }
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [...clusters.values()],
    users: [...users.values()],
    contexts: [...contexts.values()],
    currentContext,
  });
  return { kubeConfig, files };
}

/** The namespace a context names, else `default`, as kubectl picks it. */
export function contextNamespace(kc: KubeConfig, context: string): string {
  return kc.getContextObject(context)?.namespace || 'default';
}
