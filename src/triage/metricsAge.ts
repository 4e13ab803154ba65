// How old the usage figures on screen are. A failed metrics poll keeps the last figures (a gauge
// that goes blank tells an engineer less than one that says its age); once they are older than
// two poll intervals, rows and the status bar say "as of 03:12".
import type { PodMemory } from './model.ts';

export interface MetricsAge {
  /** When the figures shown were read (ms since the epoch); undefined: never. */
  readonly metricsAt?: number;
  readonly metricsIntervalMs: number;
}

/** "03:12" in local time. */
export function clockTime(ms: number): string {
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

/** "as of 03:12" when the figures are older than two intervals, else undefined. */
export function staleNote(age: MetricsAge, now: number): string | undefined {
  if (age.metricsAt === undefined || now - age.metricsAt <= 2 * age.metricsIntervalMs) return undefined;
  return `as of ${clockTime(age.metricsAt)}`;
}

/**
 * The pods as a verdict may use them: without usage when the last metrics poll failed. The kept
 * figures are for the eye (with their age), not for "memory < 80%: met".
 */
export function measuredPods(snapshot: { readonly pods: readonly PodMemory[]; readonly metricsError?: unknown }): readonly PodMemory[] {
  if (!snapshot.metricsError) return snapshot.pods;
  return snapshot.pods.map((p) => ({ ...p, metricsAt: undefined, containers: p.containers.map((c) => ({ ...c, workingSetBytes: undefined })) }));
}
