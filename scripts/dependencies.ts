// `npm test` and `npm run demo` on a fresh clone: install the npm dependencies first when
// node_modules is missing (npm writes node_modules/.package-lock.json on every install).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export function ensureDependencies(): void {
  if (existsSync(join(ROOT, 'node_modules', '.package-lock.json'))) return;
  console.error('node_modules is missing: npm ci');
  // npm is the machine's; the node running this (Node >= 22 via scripts/node.sh) comes first on PATH.
  const env = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}` };
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: ROOT, env, stdio: ['ignore', 'inherit', 'inherit'] });
}
