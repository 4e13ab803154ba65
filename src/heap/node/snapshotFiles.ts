// The snapshots a capture keeps (the second of each pair, for Open Heap File or DevTools) are as
// big as the target's heap: only the newest few stay in the extension's storage.
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Removes all but the `keep` newest `.heapsnapshot` files of `directory`; returns the names removed. */
export async function pruneSnapshots(directory: string, keep: number): Promise<string[]> {
  const names = (await readdir(directory).catch(() => [] as string[])).filter((n) => n.endsWith('.heapsnapshot'));
  const dated = await Promise.all(names.map(async (name) => ({ name, at: (await stat(join(directory, name)).catch(() => undefined))?.mtimeMs ?? 0 })));
  const old = dated.sort((a, b) => b.at - a.at).slice(Math.max(0, keep)).map((f) => f.name);
  await Promise.all(old.map((name) => rm(join(directory, name), { force: true })));
  return old;
}
