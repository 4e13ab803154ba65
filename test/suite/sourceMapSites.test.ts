// Step 3 for a bundled Node service, in the extension host: the process runs dist/app.js (built
// here by esbuild with a source map, as a service's build does), the report's site is a line of
// that bundle. The figures go on the .ts line the map names, and a click opens the .ts there.
import * as assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import * as vscode from 'vscode';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import type { AllocationReport } from '../../src/triage/model.ts';
import type { Allocations } from '../../src/views/allocations.ts';
import { activateExtension, until } from './helpers.ts';

const SOURCE = [
  'const kept: string[] = [];',
  '',
  'export function remember(body: string): number {',
  '  // the leak: every body is kept',
  "  kept.push(body.repeat(1024) + 'x');",
  '  return kept.length;',
  '}',
  '',
].join('\n');
const LEAK_LINE = 5;

suite('a site in a bundle with a source map', () => {
  let allocations: Allocations;
  let root: string;

  suiteSetup(async function () {
    this.timeout(60_000);
    allocations = ((await activateExtension()).exports as { allocations: Allocations }).allocations;
    root = join(vscode.workspace.workspaceFolders![0]!.uri.fsPath, `bundled-${process.pid}`);
    mkdirSync(join(root, 'src'), { recursive: true });
    writeFileSync(join(root, 'src', 'app.ts'), SOURCE);
    await build({ entryPoints: [join(root, 'src', 'app.ts')], bundle: true, platform: 'node', format: 'cjs', sourcemap: 'linked', outfile: join(root, 'dist', 'app.js'), logLevel: 'silent' });
  });
  suiteTeardown(async () => {
    allocations?.clear();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    if (root) rmSync(root, { recursive: true, force: true });
  });

  test('the figures are on the .ts line, and a click opens the .ts there', async function () {
    this.timeout(60_000);
    const bundle = (await vscode.workspace.openTextDocument(join(root, 'dist', 'app.js'))).getText().split('\n');
    const generated = bundle.findIndex((l) => l.includes('kept.push(')) + 1;
    assert.ok(generated > 0, 'the bundle has the push');
    const report: AllocationReport = {
      runtime: 'node', takenAt: new Date(), totalBytes: 10 * 2 ** 20, growthBytes: 8 * 2 ** 20,
      method: { description: 'V8 sampling heap profile', measure: 'growth', windowSeconds: 30 },
      sites: [{ file: `/srv/bundled-${process.pid}/dist/app.js`, line: generated, column: bundle[generated - 1]!.indexOf('kept.push(') + 1, functionName: 'remember', bytes: 8 * 2 ** 20, count: 800, growthBytes: 8 * 2 ** 20, growthCount: 800 }],
    };
    await allocations.show(undefined, 'bundle', report);

    const ts = vscode.Uri.file(join(root, 'src', 'app.ts'));
    // the lens provider is asked for a document the workbench has open (else "Illegal argument")
    const lensesOf = async (uri: vscode.Uri) => ((await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', (await vscode.workspace.openTextDocument(uri)).uri)) ?? []).filter((l) => /\+8(\.0)? MiB in 30 s/.test(l.command?.title ?? ''));
    let lenses: vscode.CodeLens[] = [];
    for (const deadline = Date.now() + 15_000; !lenses.length && Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) lenses = await lensesOf(ts);
    assert.deepEqual(lenses.map((l) => l.range.start.line + 1), [LEAK_LINE], 'the figures on the source line');
    assert.deepEqual(await lensesOf(vscode.Uri.file(join(root, 'dist', 'app.js'))), [], 'none on the bundle');

    await allocations.open(0);
    const editor = await until('the .ts in an editor', () => (vscode.window.activeTextEditor?.document.uri.fsPath === ts.fsPath ? vscode.window.activeTextEditor : undefined), 10_000);
    assert.equal(editor.selection.start.line + 1, LEAK_LINE);
  });
});
