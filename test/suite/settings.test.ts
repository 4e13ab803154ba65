// Settings as the extension reads them: package.json defaults reach getConfiguration, an update
// is visible at once and fires onDidChangeConfiguration, and the runner's user settings arrive.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { suite, suiteSetup, test } from 'mocha';
import { activateExtension } from './helpers.ts';

interface Property {
  default?: unknown;
}

suite('settings', () => {
  let properties: Record<string, Property>;

  suiteSetup(async () => {
    const extension = await activateExtension();
    const manifest = extension.packageJSON as { contributes: { configuration: { properties: Record<string, Property> } } };
    properties = manifest.contributes.configuration.properties;
  });

  test('every memoryTriage.* default from package.json is what VS Code reports as default', () => {
    const config = vscode.workspace.getConfiguration();
    const keys = Object.keys(properties);
    assert.ok(keys.length >= 3, `only ${keys.length} settings contributed`);
    for (const key of keys) {
      assert.ok(key.startsWith('memoryTriage.'), `${key} is outside the memoryTriage. namespace`);
      const inspected = config.inspect(key);
      assert.ok(inspected, `VS Code does not know ${key}`);
      assert.deepEqual(inspected.defaultValue, properties[key]?.default, `default of ${key}`);
    }
  });

  test('the warning threshold defaults to the runbook 80 %', () => {
    assert.equal(vscode.workspace.getConfiguration('memoryTriage').get('warningThreshold'), 80);
  });

  test('an update is visible and announced', async () => {
    const config = () => vscode.workspace.getConfiguration('memoryTriage');
    const changed = new Promise<boolean>((resolve) => {
      const sub = vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('memoryTriage.criticalThreshold')) {
          sub.dispose();
          resolve(true);
        }
      });
    });
    await config().update('criticalThreshold', 95, vscode.ConfigurationTarget.Global);
    try {
      assert.equal(await changed, true);
      assert.equal(config().get('criticalThreshold'), 95);
    } finally {
      await config().update('criticalThreshold', undefined, vscode.ConfigurationTarget.Global);
    }
    assert.equal(config().get('criticalThreshold'), properties['memoryTriage.criticalThreshold']?.default);
  });

  test('the kubeconfig the runner was given reaches the setting', function () {
    const expected = process.env.KMT_TEST_KUBECONFIG;
    if (!expected) return this.skip();
    assert.equal(vscode.workspace.getConfiguration('memoryTriage').get('kubeconfig'), expected);
  });
});
