// `npm test`: every tier in order, output streamed, one summary line at the end:
//   typecheck, build, unit, integration (when present), suite (extension host in code-server), e2e.
// `npm test -- --only unit,suite` runs a selection; `--update-images` copies the E2E screenshots
// into docs/images/ (the README's pictures) after a green E2E run.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, globSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDependencies } from './dependencies.ts';
import { ensureSystemPackages } from './systemPackages.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const NODE = [process.execPath, '--disable-warning=MODULE_TYPELESS_PACKAGE_JSON'];
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const TIERS = ['typecheck', 'build', 'unit', 'integration', 'suite', 'e2e'];

const args = process.argv.slice(2);
const onlyAt = args.indexOf('--only');
const only = onlyAt >= 0 ? (args[onlyAt + 1] ?? '').split(',').filter(Boolean) : TIERS;
// The suite and the E2E tests run what the build produced: a selection with them builds first.
if ((only.includes('suite') || only.includes('e2e')) && !only.includes('build')) only.push('build');
const unknown = only.filter((t) => !TIERS.includes(t));
if (unknown.length > 0) {
  console.error(`unknown tier(s): ${unknown.join(', ')}; known: ${TIERS.join(', ')}`);
  process.exit(2);
}

/** Runs argv with output streamed and kept; resolves with exit code and text. */
function run(argv, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(argv[0], argv.slice(1), { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (d) => { text += d; process.stdout.write(d); });
    child.stderr.on('data', (d) => { text += d; process.stderr.write(d); });
    child.on('error', (err) => { text += String(err); resolve({ code: 1, text }); });
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), text }));
    // Ctrl-C reaches the child too (same process group); let it clean up, then leave.
  });
}

/** node:test counts from the spec reporter ("ℹ pass 3") or TAP ("# pass 3"). */
function nodeTestCounts({ code, text }) {
  const count = (name) => [...text.matchAll(new RegExp(`^[ℹ#] ${name} (\\d+)`, 'gm'))].reduce((n, m) => n + Number(m[1]), 0);
  const passed = count('pass');
  const failed = count('fail') + count('cancelled');
  return { passed, failed: code !== 0 && failed === 0 ? 1 : failed };
}

/** A step without test counts (typecheck, build, packaging) counts as one failure when it fails. */
function stepCounts({ code }) {
  return { passed: 0, failed: code === 0 ? 0 : 1 };
}

const files = (pattern) => globSync(pattern, { cwd: ROOT }).sort();
const nodeTest = (pattern, extra = []) => [...NODE, '--test', '--test-reporter=spec', ...extra, ...files(pattern)];

const tiers = {
  typecheck: async () => {
    const app = stepCounts(await run([process.execPath, TSC, '--noEmit', '-p', 'tsconfig.json']));
    const web = stepCounts(await run([process.execPath, TSC, '--noEmit', '-p', 'tsconfig.webview.json']));
    return { passed: 0, failed: app.failed + web.failed };
  },
  build: async () => stepCounts(await run([process.execPath, 'esbuild.mjs'])),
  unit: async () => (files('test/unit/**/*.test.ts').length ? nodeTestCounts(await run(nodeTest('test/unit/**/*.test.ts'))) : undefined),
  integration: async () =>
    files('test/integration/**/*.test.ts').length
      ? nodeTestCounts(await run(nodeTest('test/integration/**/*.test.ts', ['--test-concurrency=1'])))
      : undefined,
  suite: async () => {
    const result = await run([...NODE, 'test/e2e/runSuite.ts']);
    const m = result.text.match(/extension-host suite: (\d+) passed, (\d+) failed/);
    const failed = m ? Number(m[2]) : 0;
    return { passed: m ? Number(m[1]) : 0, failed: result.code !== 0 && failed === 0 ? 1 : failed };
  },
  e2e: async () => {
    if (!files('test/e2e/*.e2e.ts').length) return undefined;
    const pack = await run([process.execPath, 'scripts/package.mjs']);
    if (pack.code !== 0) return stepCounts(pack);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    const vsix = join(ROOT, `${pkg.name}-${pkg.version}.vsix`);
    const counts = nodeTestCounts(await run(nodeTest('test/e2e/*.e2e.ts', ['--test-concurrency=1', '--test-timeout=300000']), { KMT_E2E_VSIX: vsix }));
    if (counts.failed === 0 && args.includes('--update-images')) copyScreenshots();
    return counts;
  },
};

function copyScreenshots() {
  const from = join(ROOT, 'test', 'e2e', 'screenshots');
  const to = join(ROOT, 'docs', 'images');
  if (!existsSync(from)) return;
  mkdirSync(to, { recursive: true });
  for (const f of readdirSync(from).filter((f) => f.endsWith('.png'))) copyFileSync(join(from, f), join(to, f));
  console.log(`screenshots copied to docs/images/`);
}

ensureDependencies();
try {
  await ensureSystemPackages(only);
} catch (err) {
  console.error(`npm test: ${err.message}`);
  process.exit(1);
}
const summary = [];
let passed = 0;
let failed = 0;
let buildFailed = false;
for (const name of TIERS.filter((t) => only.includes(t))) {
  if (buildFailed && (name === 'suite' || name === 'e2e')) {
    summary.push(`${name}: not run (build failed)`);
    failed += 1;
    continue;
  }
  console.log(`\n=== ${name} ===`);
  const started = Date.now();
  const counts = await tiers[name]();
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (!counts) {
    summary.push(`${name}: nothing to run`);
    continue;
  }
  if (name === 'build' && counts.failed > 0) buildFailed = true;
  passed += counts.passed;
  failed += counts.failed;
  summary.push(`${name}: ${counts.passed} passed, ${counts.failed} failed (${seconds} s)`);
}
console.log(`\n${summary.join('\n')}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
