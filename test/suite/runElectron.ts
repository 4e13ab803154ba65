// Runs the extension-host suite in desktop VS Code through @vscode/test-electron, for machines
// that can download VS Code (this project's CI cannot: it uses test/e2e/runSuite.ts instead).
//
//   npm run build && node test/suite/runElectron.ts
//   KMT_VSCODE_VERSION=1.139.1 (default: the engines.vscode minimum), KMT_TEST_KUBECONFIG, KMT_TEST_SETTINGS
//   as for the code-server runner.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTests } from '@vscode/test-electron';
import { WORKBENCH_DEFAULTS } from '../../scripts/codeServer.ts';
import { testSettings } from '../e2e/runSuite.ts';

const ROOT = resolve(fileURLToPath(import.meta.url), '..', '..', '..');

function vscodeVersion(): string {
  if (process.env.KMT_VSCODE_VERSION) return process.env.KMT_VSCODE_VERSION;
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { vscode: string } };
  return pkg.engines.vscode.replace(/^[^\d]*/, '');
}

const userDataDir = mkdtempSync(join(tmpdir(), 'kmt-electron-'));
mkdirSync(join(userDataDir, 'User'), { recursive: true });
writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...WORKBENCH_DEFAULTS, ...testSettings() }, null, 2));
try {
  const code = await runTests({
    version: vscodeVersion(),
    extensionDevelopmentPath: ROOT,
    extensionTestsPath: join(ROOT, 'out', 'suite', 'index.js'),
    launchArgs: [join(ROOT, 'test', 'fixtures', 'workspace'), '--disable-extensions', `--user-data-dir=${userDataDir}`],
  });
  process.exitCode = code;
} catch (err) {
  console.error(`extension-host suite in desktop VS Code failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
} finally {
  rmSync(userDataDir, { recursive: true, force: true });
}
