// Real source maps made by esbuild from a small .ts file: a site in the bundle (1-based line and
// column, as our sites are) lands on the .ts line, with an external map beside the bundle, an inline
// one, and a `.map` found without a comment; no map, or one outside the allowed folder: undefined.
import assert from 'node:assert/strict';
import { build } from 'esbuild';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { originalPosition } from '../../src/heap/sourceMaps.ts';

const root = mkdtempSync(join(tmpdir(), 'kmt-maps-'));
const source = join(root, 'src', 'server.ts');
mkdirSync(join(root, 'src'));
writeFileSync(source, [
  'interface Session { id: number; body: string }',
  'const kept = new Map<number, Session>();',
  '',
  'export function renderSession(id: number): string {',
  "  const events = Array.from({ length: 16 }, (_, n) => ({ n, detail: 'x'.repeat(960) }));",
  '  return JSON.stringify({ id, events });',
  '}',
  '',
  'export function keep(id: number): void {',
  '  kept.set(id, { id, body: renderSession(id) });',
  '}',
  '',
].join('\n'));
const tsLine = (text: string) => readFileSync(source, 'utf8').split('\n').findIndex((l) => l.includes(text)) + 1;
const everywhere = () => true;

async function bundle(name: string, sourcemap: 'external' | 'linked' | 'inline'): Promise<string> {
  const out = join(root, name, 'dist', 'server.js');
  await build({ entryPoints: [source], bundle: true, platform: 'node', format: 'cjs', outfile: out, sourcemap, logLevel: 'silent' });
  return out;
}

/** Where V8 would put the function: its line, and its parameter list's column, 1-based. */
function siteOf(file: string, text: string): { line: number; column: number } {
  const lines = readFileSync(file, 'utf8').split('\n');
  const line = lines.findIndex((l) => l.includes(text));
  assert.ok(line >= 0, `${text} is in the bundle`);
  return { line: line + 1, column: lines[line]!.indexOf(text) + text.length };
}

test('a linked map beside the bundle: the site lands on the .ts line of the function', async () => {
  const js = await bundle('linked', 'linked');
  assert.match(readFileSync(js, 'utf8'), /\/\/# sourceMappingURL=server\.js\.map\s*$/);
  const at = siteOf(js, 'function renderSession(');
  assert.notEqual(at.line, tsLine('export function renderSession('), 'the bundle moved the line (else the test proves nothing)');
  const pos = await originalPosition(js, at.line, at.column, everywhere);
  assert.equal(pos?.file, source);
  assert.equal(pos?.line, tsLine('export function renderSession('));
  // a line inside a function: the same line of the .ts, and a 1-based column on it
  const inner = siteOf(js, 'JSON.stringify(');
  const innerPos = await originalPosition(js, inner.line, inner.column - 'JSON.stringify('.length + 1, everywhere);
  assert.equal(innerPos?.line, tsLine('return JSON.stringify('));
  assert.equal(innerPos?.column, readFileSync(source, 'utf8').split('\n')[tsLine('return JSON.stringify(') - 1]!.indexOf('JSON') + 1);
});

test('an inline data: map, and a .map beside a bundle that names none', async () => {
  const inline = await bundle('inline', 'inline');
  const at = siteOf(inline, 'function keep(');
  assert.equal((await originalPosition(inline, at.line, at.column, everywhere))?.line, tsLine('export function keep('));
  const external = await bundle('external', 'external');
  assert.doesNotMatch(readFileSync(external, 'utf8'), /sourceMappingURL/);
  const ext = siteOf(external, 'function keep(');
  assert.equal((await originalPosition(external, ext.line, ext.column, everywhere))?.file, source);
});

test('no map, a map outside the allowed folder, or a broken map: undefined', async () => {
  const plain = join(root, 'plain.js');
  writeFileSync(plain, 'function f() {}\n');
  assert.equal(await originalPosition(plain, 1, 1, everywhere), undefined);
  const js = await bundle('outside', 'linked');
  const at = siteOf(js, 'function keep(');
  assert.equal(await originalPosition(js, at.line, at.column, (p) => !p.endsWith('.map')), undefined);
  const broken = await bundle('broken', 'linked');
  renameSync(`${broken}.map`, `${broken}.gone`);
  writeFileSync(`${broken}.map`, '{"version":3,"mappings":');
  assert.equal(await originalPosition(broken, at.line, at.column, everywhere), undefined);
});
