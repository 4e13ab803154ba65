import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ContainerMemory } from '../../src/triage/model.ts';
import { snapshotCost } from '../../src/triage/snapshotCost.ts';

const MiB = 2 ** 20;
const container = (more: Partial<ContainerMemory>): ContainerMemory => ({ name: 'api', image: 'node:slim', restartCount: 0, ready: true, state: { kind: 'running' }, ...more });

test('headroom is the limit minus the working set; a working set above it may not fit', () => {
  const roomy = snapshotCost(container({ workingSetBytes: 100 * MiB, limitBytes: 512 * MiB }));
  assert.equal(roomy.headroomBytes, 412 * MiB);
  assert.equal(roomy.risky, false);
  assert.match(roomy.detail, /uses 100 MiB now .* headroom below the limit of 512 MiB is 412 MiB\. The snapshot should fit/);
  const tight = snapshotCost(container({ workingSetBytes: 300 * MiB, limitBytes: 512 * MiB }));
  assert.equal(tight.headroomBytes, 212 * MiB);
  assert.equal(tight.risky, true);
  assert.match(tight.detail, /may not fit: the kernel would OOM-kill the container/);
});

test('above the limit, without a limit or without metrics: no headroom to count on, said so', () => {
  assert.equal(snapshotCost(container({ workingSetBytes: 600 * MiB, limitBytes: 512 * MiB })).headroomBytes, 0);
  const unlimited = snapshotCost(container({ workingSetBytes: 100 * MiB }));
  assert.equal(unlimited.headroomBytes, undefined);
  assert.match(unlimited.detail, /no memory limit/);
  const blind = snapshotCost(container({ limitBytes: 512 * MiB }));
  assert.equal(blind.risky, true);
  assert.match(blind.detail, /has no metrics now\. Its limit is 512 MiB\./);
});
