import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TimelineEntry } from '../../src/triage/timeline.ts';
import { INCIDENT_KEY, IncidentStore, type StateStore } from '../../src/views/incidentStore.ts';

/** A workspaceState that keeps values as JSON, as VS Code does: nothing survives that is not plain data. */
function memento(): StateStore & { raw: Map<string, string> } {
  const raw = new Map<string, string>();
  return {
    raw,
    get: <T>(key: string) => (raw.has(key) ? (JSON.parse(raw.get(key)!) as T) : undefined),
    update: async (key: string, value: unknown) => { raw.set(key, JSON.stringify(value)); },
  };
}

const measured = (at: string, oomKilled: string[] = []): TimelineEntry => ({ kind: 'measurement', at, step: 1, targets: [], summary: `step 1 at ${at}`, oomKilled });

test('a step on an OOM-killed pod opens the incident; it and what follows are read back by a new store', async () => {
  const state = memento();
  const store = new IncidentStore(state);
  store.record(measured(new Date(Date.now() - 2 * 3_600_000).toISOString())); // too old to adopt
  store.record(measured(new Date(Date.now() - 60_000).toISOString())); // adopted
  assert.equal(store.current, undefined);
  store.record(measured(new Date().toISOString(), ['api-0']));
  store.record({ kind: 'note', at: new Date().toISOString(), text: 'paged' });
  store.markNotified(0);
  await store.flushed();
  const again = new IncidentStore(state);
  assert.equal(again.current?.startedBy, 'step 1 run on OOM-killed api-0');
  assert.equal(again.current?.entries.length, 3);
  assert.deepEqual(again.current?.notified, [0]);
  const ended = again.end();
  await again.flushed();
  const third = new IncidentStore(state);
  assert.equal(third.current, undefined);
  assert.equal(third.latest?.endedAt, ended?.endedAt);
  assert.equal(third.latest?.entries.length, 3);
});

test('the last applied action is the resolution; a damaged stored value is dropped', async () => {
  const state = memento();
  const store = new IncidentStore(state);
  store.start('Start Incident');
  const target = { context: 'c', namespace: 'd', kind: 'Deployment', name: 'api' };
  store.record({ kind: 'action', at: '2026-11-27T22:05:00.000Z', action: 'restart', target, change: 'restart', outcome: 'applied', detail: '' });
  store.record({ kind: 'action', at: '2026-11-27T22:07:00.000Z', action: 'scale', target, change: '2 -> 4', outcome: 'refused', detail: '403' });
  assert.equal(store.lastResolution()?.toISOString(), '2026-11-27T22:05:00.000Z');
  await store.flushed();
  state.raw.set(INCIDENT_KEY, JSON.stringify({ current: { id: 1, entries: 'x' } }));
  assert.equal(new IncidentStore(state).latest, undefined);
});
