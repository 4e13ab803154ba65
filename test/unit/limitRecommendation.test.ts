// Option B's proposal: krr's rules (peak + 15 %, the limit at the last OOM kill + 25 %), the
// rounding to a value a person writes, the LimitRange cap, the request kept under the limit and
// the node-fit warning.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memoryQuantity, nodeFitWarning, recommendLimit, roundLimit } from '../../src/triage/limitRecommendation.ts';
import { containerMax } from '../../src/cluster/limitContext.ts';
import { parseMemory } from '../../src/triage/quantity.ts';

const Mi = 1024 ** 2;
const Gi = 1024 ** 3;
const big = [{ name: 'node-1', allocatableBytes: 24 * Gi }];

test('rounding: 32Mi steps under 1Gi, 128Mi under 4Gi, 512Mi above; written as Gi when whole', () => {
  assert.equal(memoryQuantity(roundLimit(300 * Mi)), '320Mi');
  assert.equal(memoryQuantity(roundLimit(320 * Mi)), '320Mi');
  assert.equal(memoryQuantity(roundLimit(1000 * Mi)), '1Gi');
  assert.equal(memoryQuantity(roundLimit(1.1 * Gi)), '1152Mi');
  assert.equal(memoryQuantity(roundLimit(4.2 * Gi)), '4608Mi');
  assert.equal(memoryQuantity(roundLimit(7.9 * Gi)), '8Gi');
  assert.equal(memoryQuantity(roundLimit(1)), '32Mi');
  assert.equal(parseMemory(memoryQuantity(roundLimit(700 * Mi))), 704 * Mi);
});

test('without kills the peak + 15 % wins; the figures name it', () => {
  const r = recommendLimit({ historyDays: 7, peakBytes: 400 * Mi, kills: 0, currentLimitBytes: 512 * Mi, nodes: big });
  assert.equal(r.rule, 'peak');
  assert.equal(r.limit, '480Mi'); // 460 MiB rounded up to 32Mi
  assert.match(r.figures.join('\n'), /Peak working set over 7 d: 400 MiB; \+ 15 % = 460 MiB/);
  assert.match(r.figures.join('\n'), /OOM kills in 7 d: none/);
  assert.match(r.warnings.join('\n'), /not above the current limit/);
});

test('a kill: at least the limit at the kill + 25 %, even when the peak seen is lower', () => {
  // The peak seen by Prometheus is just under the limit (the kill came between scrapes).
  const r = recommendLimit({ historyDays: 7, peakBytes: 500 * Mi, kills: 2, limitAtLastKillBytes: 512 * Mi, currentLimitBytes: 512 * Mi, nodes: big });
  assert.equal(r.rule, 'oom');
  assert.equal(r.limit, '640Mi');
  assert.match(r.figures.join('\n'), /OOM kills in 7 d: 2; limit at the last kill 512 MiB; \+ 25 % = 640 MiB/);
  assert.deepEqual(r.warnings, []);
  // A peak far above the old limit (a bigger limit since) still wins over the kill rule.
  assert.equal(recommendLimit({ historyDays: 7, peakBytes: 2 * Gi, kills: 1, limitAtLastKillBytes: 512 * Mi, nodes: big }).rule, 'peak');
});

test('a LimitRange maximum caps the proposal and says so', () => {
  const r = recommendLimit({ historyDays: 7, peakBytes: 900 * Mi, kills: 1, limitAtLastKillBytes: 768 * Mi, currentLimitBytes: 768 * Mi, limitRangeMax: { bytes: 800 * Mi, name: 'mem-cap' }, nodes: big });
  assert.equal(r.rule, 'limit-range');
  assert.equal(r.limit, '800Mi');
  assert.match(r.warnings.join('\n'), /LimitRange mem-cap allows at most 800Mi per container; the history asks for 1152Mi/);
  // The lowest Container max of the namespace's LimitRanges; Pod-type items do not cap a container.
  const ranges = [
    { metadata: { name: 'a' }, spec: { limits: [{ type: 'Container', max: { memory: '1Gi' } }, { type: 'Pod', max: { memory: '100Mi' } }] } },
    { metadata: { name: 'b' }, spec: { limits: [{ type: 'Container', max: { memory: '800Mi' } }] } },
  ];
  assert.deepEqual(containerMax(ranges), { bytes: 800 * Mi, name: 'b' });
  assert.equal(containerMax([{ spec: { limits: [{ type: 'Container', min: { memory: '1Mi' } }] } }]), undefined);
});

test('the request is kept at or below the limit; a request no node holds warns', () => {
  const capped = recommendLimit({ historyDays: 7, peakBytes: 100 * Mi, kills: 0, currentRequestBytes: 1 * Gi, currentLimitBytes: 2 * Gi, nodes: big });
  assert.equal(capped.limit, '128Mi');
  assert.equal(capped.request, '128Mi');
  assert.equal(recommendLimit({ historyDays: 7, peakBytes: 100 * Mi, kills: 0, currentRequestBytes: 64 * Mi, nodes: big }).request, undefined);
  const small = [{ name: 'n1', allocatableBytes: 2 * Gi }, { name: 'n2', allocatableBytes: 3 * Gi }];
  const r = recommendLimit({ historyDays: 7, peakBytes: 4 * Gi, kills: 0, nodes: small });
  assert.equal(r.limit, '5Gi');
  assert.match(r.warnings.join('\n'), /No node can schedule a memory request of 5 GiB: the largest allocatable is 3 GiB \(node n2\)/);
  assert.equal(nodeFitWarning(3 * Gi, small), undefined);
});

test('no history: the current limit + 25 %, with a warning to look at the trend', () => {
  const r = recommendLimit({ historyDays: 3, kills: 0, currentLimitBytes: 256 * Mi, nodes: [] });
  assert.equal(r.rule, 'current');
  assert.equal(r.limit, '320Mi');
  assert.match(r.warnings.join('\n'), /No history/);
});
