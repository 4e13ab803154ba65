import type { PodMemory } from './model.ts';
import type { SeenKill } from './verificationEvidence.ts';

export interface OomKill {
  readonly pod: PodMemory;
  readonly container: string;
  /** When the kill happened (the termination's finishedAt); undefined when the kubelet did not say. */
  readonly at: Date | undefined;
}

function isOom(reason: string | undefined): boolean {
  return reason === 'OOMKilled';
}

/** The newest OOM kill the pod's status still remembers (one previous termination per container). */
export function lastOomKill(pod: PodMemory): OomKill | undefined {
  let newest: OomKill | undefined;
  for (const c of pod.containers) {
    const t = c.lastTermination;
    if (!t || !isOom(t.reason)) continue;
    if (!newest || (t.finishedAt?.getTime() ?? 0) > (newest.at?.getTime() ?? 0)) {
      newest = { pod, container: c.name, at: t.finishedAt };
    }
  }
  return newest;
}

/** Pods whose containers were OOM-killed, newest kill first (`since` filters by kill time). */
export function oomKilledPods(pods: readonly PodMemory[], since?: Date): OomKill[] {
  const kills: OomKill[] = [];
  for (const pod of pods) {
    const kill = lastOomKill(pod);
    if (!kill) continue;
    if (since && !(kill.at && kill.at.getTime() >= since.getTime())) continue;
    kills.push(kill);
  }
  return kills.sort((a, b) => (b.at?.getTime() ?? 0) - (a.at?.getTime() ?? 0));
}

// The API keeps only the last termination of a container, so "OOM×3" needs memory of its own:
// every distinct (pod, container, finishedAt) kill seen while the view watched is counted.
const MAX_KILLS = 1_000;

export class OomHistory {
  private readonly seen = new Map<string, Set<string>>();
  // Every distinct kill with its pod's names, kept after the pod is gone (Verify Recovery judges
  // a replaced pod's kill too); bounded, oldest dropped first.
  private readonly kills = new Map<string, SeenKill>();

  observe(pod: PodMemory): void {
    for (const c of pod.containers) {
      const t = c.lastTermination;
      if (!t || !isOom(t.reason)) continue;
      let set = this.seen.get(pod.uid);
      if (!set) this.seen.set(pod.uid, (set = new Set()));
      const key = `${c.name}@${t.finishedAt?.toISOString() ?? 'unknown'}`;
      set.add(key);
      if (!this.kills.has(`${pod.uid}/${key}`)) {
        this.kills.set(`${pod.uid}/${key}`, { namespace: pod.ref.namespace, pod: pod.ref.name, workload: pod.workload.name, container: c.name, at: t.finishedAt });
        if (this.kills.size > MAX_KILLS) this.kills.delete(this.kills.keys().next().value!);
      }
    }
  }

  /** Kills seen for this pod (at least the one its status shows). */
  count(pod: PodMemory): number {
    return this.seen.get(pod.uid)?.size ?? 0;
  }

  /** The kills seen while watching, of pods present or gone. */
  seenKills(): SeenKill[] {
    return [...this.kills.values()];
  }

  forget(uid: string): void {
    this.seen.delete(uid);
  }

  clear(): void {
    this.seen.clear();
    this.kills.clear();
  }
}
