// Starts a code-server (a real VS Code 1.139: server, Node extension host, web workbench) on a
// free 127.0.0.1 port with its own user-data and extensions folders, and installs VSIX files
// into it. Used by the extension-host suite runner, the E2E harness and `npm run demo`.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureCodeServer } from './codeServerInstall.ts';
import { startGroup, tail, type Started } from './processes.ts';

/** Quiet workbench defaults for tests and the demo: no welcome page, chat, tips or git prompt. */
export const WORKBENCH_DEFAULTS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.disableAIFeatures': true,
  'extensions.ignoreRecommendations': true,
  'git.openRepositoryInParentFolders': 'never',
};

export interface CodeServerOptions {
  /** folder opened in the workbench */
  readonly folder: string;
  /** scratch folder for user data, extensions, logs; created when missing */
  readonly stateDir: string;
  /** over WORKBENCH_DEFAULTS, written to <stateDir>/data/{User,Machine}/settings.json before start */
  readonly settings?: Record<string, unknown>;
  /** VSIX files installed into the extensions folder before start */
  readonly vsixes?: readonly string[];
  /** the workbench then honours ?payload= (extensionDevelopmentPath, extensionTestsPath) */
  readonly smokeTestDriver?: boolean;
  /** extra environment for the server and so for the extension host */
  readonly env?: NodeJS.ProcessEnv;
  /** receives the server's output as it comes */
  readonly echo?: (chunk: string) => void;
  /** fixed port; default: any free one */
  readonly port?: number;
  /** keep VS Code's workspace trust on: a folder never trusted opens in restricted mode */
  readonly workspaceTrust?: boolean;
  /** user keybindings (User/keybindings.json) */
  readonly keybindings?: readonly { readonly key: string; readonly command: string; readonly when?: string }[];
}

export interface CodeServer {
  readonly url: string;
  readonly port: number;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  /** `vscode-remote://` URI of a path on this server, as the workbench payload wants it */
  remoteUri(path: string): string;
  output(): string;
  stop(): Promise<void>;
}

export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  const { node, entry } = await ensureCodeServer();
  const userDataDir = join(options.stateDir, 'data');
  const extensionsDir = join(options.stateDir, 'extensions');
  mkdirSync(extensionsDir, { recursive: true });
  // The browser workbench is a remote window: User/ holds the user settings, Machine/ the
  // remote-machine ones, which alone may carry `machine`-scoped settings such as
  // memoryTriage.kubeconfig (a path on the server). Both get the same settings.
  for (const scope of ['User', 'Machine']) {
    mkdirSync(join(userDataDir, scope), { recursive: true });
    writeFileSync(join(userDataDir, scope, 'settings.json'), JSON.stringify({ ...WORKBENCH_DEFAULTS, ...options.settings }, null, 2));
  }
  if (options.keybindings) writeFileSync(join(userDataDir, 'User', 'keybindings.json'), JSON.stringify(options.keybindings, null, 2));
  // An empty config file and XDG_DATA_HOME keep code-server from writing into ~/.config and ~/.local.
  const config = join(options.stateDir, 'config.yaml');
  writeFileSync(config, '');
  const env = { ...process.env, XDG_DATA_HOME: join(options.stateDir, 'xdg'), ...options.env };
  const common = ['--config', config, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];

  for (const vsix of options.vsixes ?? []) {
    try {
      execFileSync(node, [entry, ...common, '--install-extension', vsix, '--force'], { env, stdio: 'pipe' });
    } catch (err) {
      const e = err as { stdout?: Buffer; stderr?: Buffer };
      throw new Error(`code-server --install-extension ${vsix} failed:\n${tail(`${e.stdout ?? ''}${e.stderr ?? ''}`)}`);
    }
  }

  const args = [
    entry, ...common,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${options.port ?? 0}`,
    '--disable-telemetry', '--disable-update-check', ...(options.workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    ...(options.smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
    options.folder,
  ];
  const server: Started = startGroup(node, args, { env, echo: options.echo });
  let port: number;
  try {
    const match = await server.waitFor(/HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)/, 60_000, 'code-server start');
    port = Number(match[1]);
  } catch (err) {
    await server.stop();
    throw err;
  }
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    userDataDir,
    extensionsDir,
    remoteUri: (path) => `vscode-remote://127.0.0.1:${port}${path}`,
    output: server.output,
    stop: () => server.stop(),
  };
}
