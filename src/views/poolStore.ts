// The step-4 results of this session, one per pod (by uid): the tree draws a row from the
// latest, the incident report lists them all. No vscode import, so it is tested in plain Node.
import type { ContainerMemory, PodMemory, PoolReport } from '../triage/model.ts';

/** A check and the pod and container it was run on, as the tree listed them then. */
export interface PoolEntry {
  readonly pod: PodMemory;
  readonly container: ContainerMemory;
  readonly report: PoolReport;
}

/** Pods checked in one session are a handful; a bound keeps a long session from growing forever. */
export const MAX_PODS = 200;

export class PoolStore {
  private readonly entries = new Map<string, PoolEntry>();
  private readonly listeners = new Set<() => void>();

  get(uid: string): PoolEntry | undefined {
    return this.entries.get(uid);
  }

  /** Every pod checked, oldest check first: the order of the incident's timeline. */
  all(): PoolEntry[] {
    return [...this.entries.values()];
  }

  set(entry: PoolEntry): void {
    // re-inserted, so the Map's order stays the order of the latest check
    this.entries.delete(entry.pod.uid);
    this.entries.set(entry.pod.uid, entry);
    for (const uid of this.entries.keys()) {
      if (this.entries.size <= MAX_PODS) break;
      this.entries.delete(uid);
    }
    this.fire();
  }

  clear(): void {
    if (this.entries.size === 0) return;
    this.entries.clear();
    this.fire();
  }

  onDidChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  }

  dispose(): void {
    this.listeners.clear();
  }

  private fire(): void {
    for (const l of [...this.listeners]) l();
  }
}
