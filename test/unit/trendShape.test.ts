import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RangeSeries } from '../../src/prometheus/client.ts';
import { toEvents, toSeries } from '../../src/prometheus/trendShape.ts';

const series = (pod: string, container: string | undefined, samples: [number, number][]): RangeSeries => ({
  labels: container === undefined ? { pod } : { namespace: 'default', pod, container },
  samples,
});

test('series are keyed by pod and container, sorted, merged and deduplicated', () => {
  const out = toSeries([
    series('api-b', 'api', [[120, 3], [60, 2]]),
    series('api-a', 'sidecar', [[60, 9]]),
    series('api-a', 'api', [[60, 1]]),
    series('api-b', 'api', [[60, 2], [180, 4]]), // same key again: merged, t=60 once
    series('api-c', undefined, [[60, 5]]), // no container label: not a container
  ]);
  assert.deepEqual(
    out.map((s) => [s.pod, s.container, s.samples]),
    [
      ['api-a', 'api', [[60, 1]]],
      ['api-a', 'sidecar', [[60, 9]]],
      ['api-b', 'api', [[60, 2], [120, 3], [180, 4]]],
    ],
  );
});

test('a rise of the restart counter is an event; OOMKilled when the reason gauge says so', () => {
  const restarts = toSeries([
    series('api-1', 'api', [[0, 2], [60, 2], [120, 3], [180, 3], [240, 5]]),
    series('api-2', 'api', [[0, 0], [60, 1]]),
  ]);
  // api-1's last termination was OOMKilled from t=120 on; api-2 has no such series
  const oom = toSeries([series('api-1', 'api', [[120, 1], [180, 1], [240, 1]])]);
  const events = toEvents(restarts, oom, 60);
  assert.deepEqual(
    events.map((e) => [e.pod, e.atSeconds, e.kind]),
    [
      ['api-2', 60, 'restart'],
      ['api-1', 120, 'OOMKilled'],
      ['api-1', 240, 'OOMKilled'],
      ['api-1', 240, 'OOMKilled'],
    ],
  );
});

test('a counter that falls (exporter restart) or starts above zero makes no event', () => {
  const restarts = toSeries([series('api-1', 'api', [[0, 7], [60, 0], [120, 0]])]);
  assert.deepEqual(toEvents(restarts, [], 60), []);
});

test('the OOM gauge may lag the counter by a scrape', () => {
  const restarts = toSeries([series('api-1', 'api', [[0, 0], [60, 1]])]);
  const oom = toSeries([series('api-1', 'api', [[75, 1]])]);
  assert.equal(toEvents(restarts, oom, 60)[0]!.kind, 'OOMKilled');
  // ...but an OOM kill half an hour later is another termination
  const late = toSeries([series('api-1', 'api', [[1860, 1]])]);
  assert.equal(toEvents(restarts, late, 60)[0]!.kind, 'restart');
});
