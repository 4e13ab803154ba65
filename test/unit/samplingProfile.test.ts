// The sampling-profile converter on a profile made here by the real runtime (this process's own
// inspector), and the /proc/net/tcp reading that tells when the inspector listens.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { describe, it } from 'node:test';
import { profileSites, type SamplingProfile } from '../../src/heap/node/samplingProfile.ts';
import { listensOn } from '../../src/heap/node/inspectorPort.ts';

const kept: string[][] = [];
function keepStrings() {
  const batch: string[] = [];
  for (let i = 0; i < 2000; i++) batch.push(`payload-${i}-`.repeat(50));
  kept.push(batch);
}

describe('profileSites', () => {
  it('a real profile: the function that keeps what it allocates is the top site, at its 1-based line', async () => {
    const session = new Session();
    session.connect();
    await session.post('HeapProfiler.startSampling', { samplingInterval: 1024 });
    for (let i = 0; i < 20; i++) keepStrings();
    const { profile } = (await session.post('HeapProfiler.stopSampling')) as unknown as { profile: SamplingProfile };
    session.disconnect();
    const { sites, totalBytes } = profileSites(profile);
    const top = sites.filter((s) => !s.library)[0];
    assert.equal(top.functionName, 'keepStrings');
    assert.match(top.file, /samplingProfile\.test\.ts$/);
    // V8 gives the function's line 0-based; the site says it 1-based, as the editor counts
    const own = readFileSync(new URL(import.meta.url), 'utf8').split('\n').findIndex((l) => l.startsWith('function keepStrings()')) + 1;
    assert.equal(top.line, own);
    assert.ok(top.bytes > 1_000_000, `${top.bytes}`);
    assert.equal(top.growthBytes, top.bytes);
    assert.ok(totalBytes >= top.bytes);
    assert.equal(top.traceback?.[0]?.functionName, 'keepStrings');
  });

  it('a call tree with a cycle is refused, not walked forever', () => {
    const node = { callFrame: { functionName: 'f', url: 'file:///a.js', lineNumber: 0, columnNumber: 0 }, selfSize: 8, id: 1, children: [] as unknown[] };
    node.children.push(node);
    assert.throws(() => profileSites({ head: node as never }), /not a tree/);
  });

  it('frames without a script give their bytes to the caller; node: and node_modules are library', () => {
    const frame = (url: string, name: string) => ({ functionName: name, url, lineNumber: 4, columnNumber: 2 });
    const profile: SamplingProfile = {
      head: { callFrame: frame('', '(root)'), selfSize: 0, id: 1, children: [
        { callFrame: frame('file:///app/a.js', 'handler'), selfSize: 0, id: 2, children: [
          { callFrame: frame('', '(V8 API)'), selfSize: 100, id: 3, children: [] },
          { callFrame: frame('file:///app/node_modules/x/i.js', 'lib'), selfSize: 50, id: 4, children: [] },
        ] },
      ] },
    };
    const { sites } = profileSites(profile);
    assert.deepEqual(sites.map((s) => [s.file, s.line, s.column, s.bytes, s.library]), [['/app/a.js', 5, 3, 100, false], ['/app/node_modules/x/i.js', 5, 3, 50, true]]);
  });
});

describe('listensOn', () => {
  const table = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:240D 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 1 1 0000000000000000 100 0 0 10 0
   1: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 2 1 0000000000000000 100 0 0 10 0
   2: 0100007F:8F3A 0100007F:240E 01 00000000:00000000 00:00000000 00000000  1000        0 3 1 0000000000000000 20 4 30 10 -1`;
  it('127.0.0.1:9229 in LISTEN; a connection to another port is no listener', () => {
    assert.equal(listensOn(table, 9229), true);
    assert.equal(listensOn(table, 8080), true);
    assert.equal(listensOn(table, 9230), false);
  });
});
