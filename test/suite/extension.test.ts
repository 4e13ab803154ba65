// The extension as VS Code sees it: found by id, activates, registers the commands that
// package.json declares, and its view can be shown.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { suite, suiteSetup, test } from 'mocha';
import { activateExtension } from './helpers.ts';

interface Manifest {
  version: string;
  contributes: { commands: { command: string }[]; views: Record<string, { id: string }[]> };
}

suite('extension', () => {
  let extension: vscode.Extension<unknown>;

  suiteSetup(async () => {
    extension = await activateExtension();
  });

  test('activates', () => {
    assert.equal(extension.isActive, true);
  });

  test('registers every command that package.json declares', async () => {
    const manifest = extension.packageJSON as Manifest;
    const declared = manifest.contributes.commands.map((c) => c.command);
    assert.ok(declared.includes('memoryTriage.showLog'), 'memoryTriage.showLog is declared');
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = declared.filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], `declared but not registered: ${missing.join(', ')}`);
  });

  test('registers no memoryTriage command that package.json does not declare', async () => {
    const manifest = extension.packageJSON as Manifest;
    const declared = new Set(manifest.contributes.commands.map((c) => c.command));
    // Commands VS Code derives from a view (<view id>.focus, .resetViewLocation ...) are not ours.
    const views = Object.values(manifest.contributes.views).flat().map((v) => v.id);
    const ours = (await vscode.commands.getCommands(true)).filter(
      (id) => id.startsWith('memoryTriage.') && !views.some((v) => id.startsWith(`${v}.`)),
    );
    const undeclared = ours.filter((id) => !declared.has(id) && !id.startsWith('memoryTriage.internal.'));
    assert.deepEqual(undeclared, [], `registered but not declared (no title in the palette): ${undeclared.join(', ')}`);
  });

  test('memoryTriage.showLog runs without error', async () => {
    await vscode.commands.executeCommand('memoryTriage.showLog');
  });

  test('the pods view can be focused', async () => {
    await vscode.commands.executeCommand('memoryTriage.pods.focus');
  });
});
