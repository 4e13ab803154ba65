import assert from 'node:assert/strict';
import { test } from 'node:test';
import { selectorsFromLabels } from '../../src/cluster/labelSuggestions.ts';

test('selectors found on the pods, most common first, without the controllers\' per-revision labels', () => {
  const labels: Record<string, string>[] = [
    { app: 'api', 'pod-template-hash': '7d9f8c6b5', tier: 'web' },
    { app: 'api', 'pod-template-hash': '6b8f7d4c9' },
    { app: 'redis', 'controller-revision-hash': 'redis-5f' },
  ];
  assert.deepEqual(selectorsFromLabels(labels), ['app=api', 'app=redis', 'tier=web']);
  assert.deepEqual(selectorsFromLabels(labels, 1), ['app=api']);
  assert.deepEqual(selectorsFromLabels([]), []);
});
