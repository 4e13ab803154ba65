// Builds for production and packs the VSIX; prints its size and refuses one that carries
// sources, tests or source maps (the .vscodeignore allow-list is meant to keep them out).
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const pkg = require('../package.json');
const out = `${pkg.name}-${pkg.version}.vsix`;

execFileSync(process.execPath, ['esbuild.mjs', '--production'], { stdio: 'inherit' });
const vsce = require.resolve('@vscode/vsce/vsce');
execFileSync(process.execPath, [vsce, 'package', '--no-dependencies', '--skip-license', '--no-rewrite-relative-links', '-o', out], { stdio: 'inherit' });

const listing = execFileSync(process.execPath, [vsce, 'ls', '--no-dependencies'], { encoding: 'utf8' });
const bad = listing.split('\n').filter((f) => /^(src|test|bench|scripts)\/|\.map$|\.ts$/.test(f) && !f.endsWith('.d.ts'));
if (bad.length > 0) {
  console.error(`VSIX would carry files that do not run:\n${bad.join('\n')}`);
  process.exit(1);
}
// the entry requires dist/core.js lazily: a VSIX without it activates and then fails on first use
const missing = ['dist/extension.js', 'dist/core.js', 'dist/snapshotWorker.js'].filter((f) => !listing.split('\n').includes(f));
if (missing.length > 0) {
  console.error(`VSIX would lack files that run:\n${missing.join('\n')}`);
  process.exit(1);
}
console.log(`${out}: ${(statSync(out).size / 1024).toFixed(1)} KiB`);
