// Entry of the extension-host suite: VS Code (desktop through @vscode/test-electron, or
// code-server through test/e2e/runSuite.ts) loads out/suite/index.js and awaits run().
//
// Every test/suite/<name>.test.ts is picked up: esbuild.mjs passes the names in as
// KMT_SUITE_TESTS and bundles each file; it is evaluated here, after mocha's globals are set,
// so test files write `import { suite, test } from 'mocha'` and nothing else.
import Mocha from 'mocha';
import { format } from 'node:util';

declare const KMT_SUITE_TESTS: string[];

/** Printed last, parsed by the runners (the spec reporter's text is for people). */
export const RESULT_PREFIX = 'KMT-SUITE-RESULT ';
/** In code-server the host's console reaches the runner mixed with the workbench's own log. */
export const LINE_PREFIX = 'KMT-SUITE| ';

export async function run(): Promise<void> {
  const mocha = new Mocha({
    ui: 'tdd',
    reporter: 'spec',
    color: false,
    timeout: Number(process.env.KMT_SUITE_TIMEOUT_MS ?? 20_000),
    grep: process.env.KMT_SUITE_GREP || undefined,
  });
  if (process.env.KMT_SUITE_MARK_LINES) {
    Mocha.reporters.Base.consoleLog = (...args: unknown[]) =>
      console.log(format(...args).split('\n').map((line) => LINE_PREFIX + line).join('\n'));
  }
  mocha.suite.emit('pre-require', globalThis, 'suite', mocha);
  for (const name of KMT_SUITE_TESTS) {
    // A template literal in require(): esbuild bundles every file matching the pattern.
    require(`./${name}.test.ts`);
  }
  const { passed, failed } = await new Promise<{ passed: number; failed: number }>((resolve) => {
    const runner = mocha.run(() => resolve({ passed: runner.stats?.passes ?? 0, failed: runner.stats?.failures ?? 0 }));
  });
  console.log(`${RESULT_PREFIX}${JSON.stringify({ passed, failed, files: KMT_SUITE_TESTS })}`);
  if (failed > 0 || passed === 0) {
    throw new Error(passed === 0 ? 'The suite ran no test.' : `${failed} extension-host test(s) failed.`);
  }
}
