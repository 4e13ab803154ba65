// Past OOM kills the backfilled Prometheus history tells of (before this emulator started): the
// running container is the one created after the last of them (restartCount + kills), and that
// kill is lastState unless a live exit already replaced it. The history restarts each kill after a
// back-off, so the container's Pulled/Created/Started count the earlier starts since the pod's
// creation and BackOff one per kill. The kubelet keeps no OOM event of its own. The back-off is
// not seeded: like a kubelet just started (it keeps back-offs in memory), the first live crash
// restarts at once.
import { randomBytes } from 'node:crypto';
import type { EventRecorder } from './events.ts';
import { type ContainerState, iso } from './podStatus.ts';
import type { K8sObject } from './store.ts';

export interface PastKills { ooms: number; lastOOMAt?: Date; lastStartedAt?: Date; firstOOMAt?: Date }

/** Seeds the container's restarts, last termination and events; false when there is nothing to seed. */
export function seedPastKills(cs: ContainerState, pod: K8sObject, events: EventRecorder, past: PastKills): boolean {
  if (past.ooms <= 0 || !past.lastOOMAt) return false;
  cs.restartCount += past.ooms;
  cs.last ??= {
    exitCode: 137, reason: 'OOMKilled', containerID: `containerd://${randomBytes(32).toString('hex')}`,
    startedAt: iso(past.lastStartedAt ?? past.lastOOMAt), finishedAt: iso(past.lastOOMAt),
  };
  events.containerStarted(pod, cs.name, { count: past.ooms, first: pod.metadata.creationTimestamp, last: iso(past.lastStartedAt ?? past.lastOOMAt) });
  events.backOff(pod, cs.name, { count: past.ooms, first: iso(past.firstOOMAt ?? past.lastOOMAt), last: iso(past.lastOOMAt) });
  return true;
}
