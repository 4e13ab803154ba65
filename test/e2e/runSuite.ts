// Runs the extension-host suite (out/suite/index.js, built by `npm run build`) inside code-server:
// the server gets --vscode-option enable-smoke-test-driver so the workbench honours the URL's
// payload (extensionDevelopmentPath + extensionTestsPath); the workbench calls
// window.codeAutomationExit(code) when run() resolves (0) or throws (1). The extension host's
// console, where mocha reports, arrives as the page's console and is copied to stdout.
//
//   node test/e2e/runSuite.ts            exit code 0 when every test passed
//   KMT_TEST_KUBECONFIG=<file>           becomes the user setting memoryTriage.kubeconfig
//   KMT_TEST_SETTINGS='{"k": v}'         more user settings
//   KMT_SUITE_GREP=<text>                only the tests whose title contains it
//   KMT_SUITE_RUN_TIMEOUT_MS=180000      how long to wait for codeAutomationExit
//   KMT_DEBUG_CONSOLE=1                  copy the whole page console (workbench log too)
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCodeServer } from '../../scripts/codeServer.ts';
import { launchChromium } from './browser.ts';

const ROOT = resolve(fileURLToPath(import.meta.url), '..', '..', '..');
const RESULT = /KMT-SUITE-RESULT (\{.*\})/;
const LINE_PREFIX = 'KMT-SUITE| '; // test/suite/index.ts marks mocha's lines with it

export interface SuiteResult {
  readonly exitCode: number;
  readonly passed: number;
  readonly failed: number;
}

/** User settings for a test run, from the environment (see the header). */
export function testSettings(): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  if (process.env.KMT_TEST_KUBECONFIG) settings['memoryTriage.kubeconfig'] = process.env.KMT_TEST_KUBECONFIG;
  return { ...settings, ...JSON.parse(process.env.KMT_TEST_SETTINGS || '{}') };
}

export async function runSuite(timeoutMs = Number(process.env.KMT_SUITE_RUN_TIMEOUT_MS ?? 600_000)): Promise<SuiteResult> {
  const testsPath = join(ROOT, 'out', 'suite', 'index.js');
  if (!existsSync(testsPath) || !existsSync(join(ROOT, 'dist', 'extension.js'))) {
    throw new Error('out/suite/index.js or dist/extension.js is missing: run `npm run build` first');
  }
  const stateDir = mkdtempSync(join(tmpdir(), 'kmt-suite-'));
  const server = await startCodeServer({
    folder: join(ROOT, 'test', 'fixtures', 'workspace'),
    stateDir,
    settings: testSettings(),
    smokeTestDriver: true,
    env: { KMT_SUITE_MARK_LINES: '1' },
  });
  const browser = await launchChromium();
  let consoleText = '';
  try {
    const page = await browser.newPage();
    page.on('console', (msg) => {
      const text = msg.text();
      consoleText += `${text}\n`;
      if (process.env.KMT_DEBUG_CONSOLE) return console.log(text);
      // Only the suite's own lines; the workbench's chatter (gallery offline, chat ...) stays out.
      for (const line of text.split('\n')) {
        const at = line.indexOf(LINE_PREFIX);
        if (at >= 0) console.log(line.slice(at + LINE_PREFIX.length));
      }
    });
    const exited = new Promise<number>((resolveExit) => {
      void page.exposeFunction('codeAutomationExit', (code: number) => resolveExit(Number(code)));
    });
    const payload = JSON.stringify([
      ['extensionDevelopmentPath', server.remoteUri(ROOT)],
      ['extensionTestsPath', server.remoteUri(testsPath)],
      ['extensionDevelopmentKind', 'workspace'],
    ]);
    const folder = join(ROOT, 'test', 'fixtures', 'workspace');
    await page.goto(`${server.url}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(payload)}`);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`extension-host suite: no result within ${timeoutMs / 1000} s (codeAutomationExit was not called). Server log:\n${server.output().slice(-3000)}`)),
        timeoutMs,
      );
    });
    const exitCode = await Promise.race([exited, timedOut]).finally(() => clearTimeout(timer));
    const counts = consoleText.match(RESULT);
    const { passed, failed } = counts ? (JSON.parse(counts[1] ?? '{}') as { passed: number; failed: number }) : { passed: 0, failed: 0 };
    // run() that threw before mocha reported (a failing import, say) still counts as a failure.
    return { exitCode, passed, failed: exitCode !== 0 && failed === 0 ? 1 : failed };
  } finally {
    await browser.close();
    await server.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const result = await runSuite();
  console.log(`extension-host suite: ${result.passed} passed, ${result.failed} failed (exit code ${result.exitCode})`);
  process.exit(result.exitCode === 0 && result.failed === 0 ? 0 : 1);
}
