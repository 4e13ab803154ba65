import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ContainerMemory, MemoryTrend, PodMemory } from '../../src/triage/model.ts';
import { withPodFacts } from '../../src/triage/trendPodFacts.ts';

const trend: MemoryTrend = {
  namespace: 'default',
  startSeconds: 1000,
  endSeconds: 4600,
  stepSeconds: 60,
  workingSet: [{ pod: 'api-1', container: 'api', samples: [[1000, 5], [4600, 6]] }],
  limits: [],
  events: [],
  source: 'test',
};

function pod(container: Partial<ContainerMemory>, namespace = 'default'): PodMemory {
  return {
    ref: { context: 'c', namespace, name: 'api-1' },
    uid: 'u',
    workload: { kind: 'Pod', namespace, name: 'api-1' },
    phase: 'Running',
    labels: {},
    containers: [{ name: 'api', image: 'i', restartCount: 1, ready: true, state: { kind: 'running' }, ...container }],
  };
}

test('a limit from the pod spec when Prometheus has none, and the last OOM kill in the window', () => {
  const out = withPodFacts(trend, [pod({ limitBytes: 512, lastTermination: { reason: 'OOMKilled', exitCode: 137, finishedAt: new Date(2000_000) } })]);
  assert.deepEqual(out.limits, [{ pod: 'api-1', container: 'api', samples: [[1000, 512], [4600, 512]] }]);
  assert.deepEqual(out.events, [{ pod: 'api-1', container: 'api', atSeconds: 2000, kind: 'OOMKilled' }]);
});

test('Prometheus figures win; kills outside the window, other namespaces and no limit add nothing', () => {
  const withLimit = { ...trend, limits: [{ pod: 'api-1', container: 'api', samples: [[1000, 256]] as const }] };
  assert.equal(withPodFacts(withLimit, [pod({ limitBytes: 512 })]), withLimit);
  const old = pod({ lastTermination: { reason: 'OOMKilled', exitCode: 137, finishedAt: new Date(10_000) } });
  assert.equal(withPodFacts(trend, [old]), trend);
  assert.equal(withPodFacts(trend, [pod({ limitBytes: 512 }, 'other')]), trend);
});
