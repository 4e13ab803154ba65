// The leak annotations and links against the real editor: CodeLenses as VS Code's own command
// collects them, and Open Leak Location with the opening injected (as the extension wires it).
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import type { TextLocation } from '../../src/heap/traceLinks.ts';
import { LeakAnnotations } from '../../src/views/leakAnnotations.ts';
import { LeakTerminalLinkProvider, openLocationFromText } from '../../src/views/leakLinks.ts';

/** Our lenses (titles start with '+') on the document, as VS Code collects them from every provider. */
async function lenses(uri: vscode.Uri): Promise<vscode.CodeLens[]> {
  const all = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? [];
  return all.filter((l) => l.command?.title.startsWith('+'));
}

suite('leak annotations and links', () => {
  let dir: string;
  let uri: vscode.Uri;

  suiteSetup(() => {
    dir = mkdtempSync(join(tmpdir(), 'kmt-leak-'));
    const file = join(dir, 'handlers.py');
    writeFileSync(file, 'CACHE = {}\n\ndef handle(key, body):\n    CACHE[key] = body\n');
    uri = vscode.Uri.file(file);
  });

  suiteTeardown(() => rmSync(dir, { recursive: true, force: true }));

  test('a lens above each annotated line, none past the end of the file, none after clear', async () => {
    await vscode.window.showTextDocument(uri);
    const annotations = new LeakAnnotations();
    try {
      annotations.show([
        { uri, line: 4, lens: '+14.2 MiB in 60 s · 14,501 blocks', hover: 'handle\n/app/app/handlers.py:4', text: '+14.2 MiB' },
        { uri, line: 40, lens: '+1 KiB past the end', hover: '', text: '+1 KiB' },
        { uri, line: 0, lens: '+0 B not a line', hover: '', text: '' },
      ]);
      assert.equal(annotations.count, 2, 'line 0 is dropped; line 40 is kept for a longer version of the file');
      const ours = await lenses(uri);
      assert.deepEqual(ours.map((l) => [l.range.start.line, l.command?.title]), [[3, '+14.2 MiB in 60 s · 14,501 blocks']]);
      annotations.clear();
      assert.equal(annotations.count, 0);
      assert.deepEqual(await lenses(uri), []);
    } finally {
      annotations.dispose();
    }
  });

  test('Open Leak Location: one location is opened, several are picked from, none opens nothing', async () => {
    const opened: [string, number][] = [];
    const open = async (file: string, line: number) => void opened.push([file, line]);
    const one = await openLocationFromText('  File "/app/app/handlers.py", line 4, in handle', open, async () => assert.fail('no pick for one'));
    assert.equal(one?.file, '/app/app/handlers.py');
    let offered: readonly TextLocation[] = [];
    const traceback = 'Traceback:\n  File "/app/main.py", line 9, in run\n  File "/app/app/handlers.py", line 4, in handle\n  File "/app/main.py", line 9, in run';
    const picked = await openLocationFromText(traceback, open, async (locations) => ((offered = locations), locations[1]));
    assert.deepEqual(offered.map((l) => `${l.file}:${l.line}`), ['/app/main.py:9', '/app/app/handlers.py:4'], 'repeated frames offered once');
    assert.equal(picked?.line, 4);
    assert.equal(await openLocationFromText('no location here', open), undefined);
    assert.equal(await openLocationFromText(traceback, open, async () => undefined), undefined, 'a dismissed pick opens nothing');
    assert.deepEqual(opened, [['/app/app/handlers.py', 4], ['/app/app/handlers.py', 4]]);
  });

  test('terminal links: spans of the line, a click opens through the injected callback', async () => {
    const opened: [string, number][] = [];
    const provider = new LeakTerminalLinkProvider(async (file, line) => void opened.push([file, line]));
    const line = '    at handle (/usr/src/app/x.js:10:5)';
    const links = provider.provideTerminalLinks({ line } as vscode.TerminalLinkContext);
    assert.deepEqual(links.map((l) => line.slice(l.startIndex, l.startIndex + l.length)), ['/usr/src/app/x.js:10:5']);
    await provider.handleTerminalLink(links[0]);
    assert.deepEqual(opened, [['/usr/src/app/x.js', 10]]);
  });
});
