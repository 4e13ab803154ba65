import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { kindOf, readHeapFile } from '../../src/heap/heapFile.ts';
import { HeapFileError } from '../../src/heap/v8/heapFileError.ts';

// Open Heap File: the file goes to the reader its content names, whatever it is called.

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'kmt-heapfile-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a real Go heap profile, even renamed, is read by the Go reader into its table', async () => {
  const renamed = join(dir, 'profile.bin');
  copyFileSync(join(fixtures, 'go', 'go-api-heap.pb.gz'), renamed);
  assert.equal(await kindOf(renamed), 'pprof');
  const report = await readHeapFile(renamed);
  assert.equal(report.runtime, 'go');
  assert.equal(report.sourceFile, renamed);
  assert.ok(report.sites.length > 0);
  assert.ok(report.sites.some((s) => /main\.go$/.test(s.file ?? '')), report.sites.map((s) => s.file).join(', '));
});

test('a .pb.gz that is not a profile: the reader\'s own message, as a HeapFileError', async () => {
  const bad = join(dir, 'bad.pb.gz');
  writeFileSync(bad, Buffer.from([0x1f, 0x8b, 0x08, 0x00, 1, 2, 3]));
  await assert.rejects(readHeapFile(bad), (err: unknown) => err instanceof HeapFileError && /^bad\.pb\.gz: /.test(err.message));
});
