import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSavedTrend } from '../../src/views/trendRestore.ts';

const pods = { title: 'default / api-7d9f-x1', context: 'prod', scope: { kind: 'pods', namespace: 'default', names: ['api-7d9f-x1'] }, range: '6h' };
const workload = { title: 'shop / Deployment api', context: '', scope: { kind: 'workload', namespace: 'shop', workload: 'Deployment', name: 'api' }, range: '1h' };

test('a saved pod or workload trend comes back as it was written', () => {
  assert.deepEqual(parseSavedTrend(pods), pods);
  assert.deepEqual(parseSavedTrend(workload), workload);
});

test('fields other than the known ones are dropped', () => {
  const saved = parseSavedTrend({ ...pods, extra: 1, scope: { ...pods.scope, query: 'up' } });
  assert.deepEqual(saved, pods);
});

test('state that is not one we wrote restores nothing', () => {
  const bad: unknown[] = [
    undefined, null, 'text', 42, {},
    { ...pods, range: '2h' },
    { ...pods, title: '' },
    { ...pods, title: 'x'.repeat(513) },
    { ...pods, context: 7 },
    { ...pods, scope: { kind: 'pods', namespace: 'default', names: [] } },
    { ...pods, scope: { kind: 'pods', namespace: 'default', names: ['a', 3] } },
    { ...pods, scope: { kind: 'pods', namespace: 'default', names: Array.from({ length: 201 }, (_, i) => `p${i}`) } },
    { ...pods, scope: { kind: 'pods', namespace: '', names: ['a'] } },
    { ...workload, scope: { ...workload.scope, workload: 'CronJob' } },
    { ...workload, scope: { ...workload.scope, name: '' } },
    { ...pods, scope: { kind: 'all' } },
  ];
  for (const state of bad) assert.equal(parseSavedTrend(state), undefined, JSON.stringify(state));
});
