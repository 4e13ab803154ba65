import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AllocationsPart, type AllocationActions } from '../../src/views/allocationsPart.ts';
import type { AllocationRow, AllocationsStatus, ToWebview } from '../../src/webview/protocol.ts';

const row = (id: number, frames: number): AllocationRow => ({
  id, file: '/app/handlers.py', line: id, bytes: 1, count: 1, share: 0.1, library: false, location: { kind: 'unmatched' },
  traceback: Array.from({ length: frames }, (_, i) => ({ file: '/app/handlers.py', line: i + 1, library: false })),
});

const ready: AllocationsStatus = {
  kind: 'ready',
  view: { title: 'default / api-leaky-0 / api', takenAt: 0, measure: 'growth', method: 'tracemalloc', notes: [], totalBytes: 10, rows: [row(7, 2), row(3, 0)] },
};

function part() {
  const posted: ToWebview[] = [];
  const calls: unknown[][] = [];
  const actions: AllocationActions = {
    open: (id, frame) => calls.push(['open', id, frame]),
    mapPath: (id) => calls.push(['mapPath', id]),
    save: () => calls.push(['save']),
    findLeaks: () => calls.push(['findLeaks']),
    openHeapFile: (uris) => calls.push(['openHeapFile', uris]),
  };
  return { p: new AllocationsPart((m) => posted.push(m), actions), posted, calls };
}

test('a new status is kept and posted to the page', () => {
  const { p, posted } = part();
  assert.deepEqual(p.current, { kind: 'none' });
  p.set(ready);
  assert.equal(p.current, ready);
  assert.deepEqual(posted, [{ type: 'allocations', status: ready }]);
});

test('open and map path reach the actions only for a row on screen and a frame it has', () => {
  const { p, calls } = part();
  p.onMessage({ type: 'openSite', id: 7 }); // nothing on screen yet
  p.set(ready);
  p.onMessage({ type: 'openSite', id: 7 });
  p.onMessage({ type: 'openSite', id: 7, frame: 1 });
  p.onMessage({ type: 'openSite', id: 7, frame: 2 });
  p.onMessage({ type: 'openSite', id: 7, frame: -1 });
  p.onMessage({ type: 'openSite', id: 7, frame: 0.5 });
  p.onMessage({ type: 'openSite', id: 3, frame: 0 });
  p.onMessage({ type: 'openSite', id: 4 });
  p.onMessage({ type: 'openSite', id: '7' as unknown as number });
  p.onMessage({ type: 'mapPath', id: 3 });
  p.onMessage({ type: 'mapPath', id: 99 });
  assert.deepEqual(calls, [['open', 7, undefined], ['open', 7, 1], ['mapPath', 3]]);
});

test('save needs a report; a capture is not started while one runs', () => {
  const { p, calls } = part();
  p.onMessage({ type: 'saveReport' });
  p.onMessage({ type: 'findLeaks' });
  p.set({ kind: 'capturing', title: 'x', message: 'tracing', endsAt: Date.now() + 60_000 });
  p.onMessage({ type: 'findLeaks' });
  p.onMessage({ type: 'saveReport' });
  p.set({ kind: 'error', title: 'x', message: 'ptrace refused' });
  p.onMessage({ type: 'findLeaks' });
  p.set(ready);
  p.onMessage({ type: 'saveReport' });
  assert.deepEqual(calls, [['findLeaks'], ['findLeaks'], ['save']]);
});

test('without actions the messages are dropped', () => {
  const p = new AllocationsPart(() => undefined, undefined);
  p.set(ready);
  assert.doesNotThrow(() => p.onMessage({ type: 'openSite', id: 7 }));
});

test('a drop on the page passes on its URIs as strings only, a bounded number of them', () => {
  const { p, calls } = part();
  p.onMessage({ type: 'openHeapFile', uris: ['file:///tmp/a.heapsnapshot', 7 as unknown as string, ...Array.from({ length: 40 }, (_, i) => `file:///x${i}`)] });
  assert.equal(calls.length, 1);
  const uris = calls[0]![1] as string[];
  assert.equal(uris[0], 'file:///tmp/a.heapsnapshot');
  assert.equal(uris.length, 16);
  assert.ok(uris.every((u) => typeof u === 'string'));
  p.onMessage({ type: 'openHeapFile', uris: 'file:///tmp/a' as unknown as string[] });
  assert.equal(calls.length, 1);
});
