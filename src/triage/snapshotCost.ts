// What a full heap snapshot of a live Node.js process costs the pod, said before it is taken: V8
// builds the snapshot's graph beside the heap (about the heap's size again, serialised while the
// process waits), twice (at the start and after the window). The headroom is the container's limit
// minus its working set, from the tree's figures; the working set bounds the heap from above.
import type { ContainerMemory } from './model.ts';
import { formatBytes } from './quantity.ts';

export interface SnapshotCost {
  /** Limit minus working set; undefined without a limit or without metrics. */
  readonly headroomBytes?: number;
  /** The snapshot may not fit: the working set is more than the headroom. */
  readonly risky: boolean;
  readonly detail: string;
}

export function snapshotCost(c: ContainerMemory): SnapshotCost {
  const ws = c.workingSetBytes;
  const limit = c.limitBytes;
  const headroomBytes = ws !== undefined && limit ? Math.max(0, limit - ws) : undefined;
  const risky = headroomBytes === undefined || ws === undefined || ws > headroomBytes;
  const uses = ws !== undefined ? `${c.name} uses ${formatBytes(ws)} now (working set; its JavaScript heap is part of it)` : `${c.name} has no metrics now`;
  const room = limit
    ? headroomBytes !== undefined ? `Its headroom below the limit of ${formatBytes(limit)} is ${formatBytes(headroomBytes)}.` : `Its limit is ${formatBytes(limit)}.`
    : 'It has no memory limit: the node\'s own memory is what runs out.';
  const verdict = risky
    ? 'The snapshot may not fit: the kernel would OOM-kill the container in the middle of it.'
    : 'The snapshot should fit in that headroom.';
  return {
    headroomBytes, risky,
    detail: `A full heap snapshot makes the process build a copy of its heap graph, about its heap size again, and it pauses while V8 writes it; ` +
      `this takes two (at the start and after the window). ${uses}. ${room} ${verdict} Find Leaking Lines (a sampling profile) costs far less.`,
  };
}
