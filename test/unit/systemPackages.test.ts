import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { missingPackages, packagesFor, planInstall, SYSTEM_PACKAGES } from '../../scripts/systemPackages.ts';

// A dpkg-query on PATH that knows only the packages it is given, printing as the real one does
// (one "name status" line per known package, exit 1 with a message for unknown ones).
function fakeDpkg(installed: Record<string, string>): { env: NodeJS.ProcessEnv; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'kmt-dpkg-'));
  const script = `#!/usr/bin/env python3
import sys
known = ${JSON.stringify(installed)}
code = 0
for name in sys.argv[3:]:
    if name in known: print(name + " " + known[name])
    else:
        sys.stderr.write("dpkg-query: no packages found matching " + name + "\\n"); code = 1
sys.exit(code)
`;
  writeFileSync(join(dir, 'dpkg-query'), script);
  chmodSync(join(dir, 'dpkg-query'), 0o755);
  return { env: { ...process.env, PATH: `${dir}:${process.env.PATH}` }, done: () => rmSync(dir, { recursive: true, force: true }) };
}

test('unknown and removed packages count as missing, installed ones do not', () => {
  const dpkg = fakeDpkg({ prometheus: 'install ok installed', chromium: 'deinstall ok config-files' });
  try {
    assert.deepEqual(missingPackages(['prometheus', 'chromium', 'gdb'], dpkg.env), ['chromium', 'gdb']);
    assert.deepEqual(missingPackages(['prometheus'], dpkg.env), []);
  } finally {
    dpkg.done();
  }
});

test('each tier asks only for what it runs: unit needs nothing, e2e needs the browser, the demo does not', () => {
  assert.deepEqual(packagesFor(['typecheck', 'build', 'unit']), []);
  const e2e = packagesFor(['e2e']).map((p) => p.name);
  assert.ok(e2e.includes('chromium') && e2e.includes('prometheus'));
  const demo = packagesFor(['demo']).map((p) => p.name);
  assert.ok(demo.includes('prometheus') && !demo.includes('chromium'));
  assert.equal(new Set(packagesFor(['integration', 'e2e', 'demo'])).size, packagesFor(['integration', 'e2e', 'demo']).length);
});

test('root installs with apt-get argv, a terminal is shown the sudo line, otherwise each package is named and it stops', () => {
  const missing = SYSTEM_PACKAGES.filter((p) => p.name === 'prometheus' || p.name === 'chromium');
  assert.deepEqual(planInstall([], { root: true, tty: true }), { action: 'none' });
  const asRoot = planInstall(missing, { root: true, tty: false });
  assert.equal(asRoot.action, 'install');
  assert.deepEqual(asRoot.action === 'install' && asRoot.argv, ['apt-get', 'install', '-y', '-q', '--no-install-recommends', 'prometheus', 'chromium']);
  const atTty = planInstall(missing, { root: false, tty: true });
  assert.equal(atTty.action, 'ask');
  assert.match(atTty.action === 'ask' ? atTty.message : '', /sudo apt-get install -y --no-install-recommends prometheus chromium\n?$/);
  const batch = planInstall(missing, { root: false, tty: false });
  assert.equal(batch.action, 'fail');
  const message = batch.action === 'fail' ? batch.message : '';
  assert.match(message, /prometheus\s+Prometheus and promtool/);
  assert.match(message, /chromium\s+the E2E browser/);
});
