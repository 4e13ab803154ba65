import * as assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pruneSnapshots } from '../../src/heap/node/snapshotFiles.ts';

test('only the newest kept snapshots stay; other files and a missing folder are left alone', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kmt-snapshots-'));
  try {
    const now = Date.now() / 1000;
    for (const [i, name] of ['a-end.heapsnapshot', 'b-end.heapsnapshot', 'c-end.heapsnapshot', 'd-end.heapsnapshot'].entries()) {
      writeFileSync(join(dir, name), 'x');
      utimesSync(join(dir, name), now - 100 + i, now - 100 + i); // a oldest, d newest
    }
    writeFileSync(join(dir, 'notes.txt'), 'kept');
    assert.deepEqual((await pruneSnapshots(dir, 2)).sort(), ['a-end.heapsnapshot', 'b-end.heapsnapshot']);
    assert.deepEqual(readdirSync(dir).sort(), ['c-end.heapsnapshot', 'd-end.heapsnapshot', 'notes.txt']);
    assert.deepEqual(await pruneSnapshots(dir, 2), []);
    assert.deepEqual(await pruneSnapshots(join(dir, 'missing'), 2), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
