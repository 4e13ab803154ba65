// The incident's timeline kept in the workspace storage (context.workspaceState), so it survives
// a window reload: the open incident, and the last one ended (the report is often written after
// End Incident). Steps and actions record through TimelineRecorder; no vscode import (the
// Memento is passed in), so it runs in plain Node too.
import { lastAppliedAction, type Incident, type TimelineEntry, type TimelineRecorder } from '../triage/timeline.ts';

/** The part of vscode.Memento the store uses. */
export interface StateStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void>;
}

export const INCIDENT_KEY = 'memoryTriage.incident';
/** A long incident keeps its latest entries; the first (the start's figures) stay too. */
export const MAX_ENTRIES = 500;
/** Steps run shortly before Start Incident belong to it: the engineer looked, then declared. */
export const ADOPT_WINDOW_MS = 60 * 60_000;
const MAX_LOOSE = 100;

interface Saved {
  readonly current?: Incident;
  readonly last?: Incident;
}

function bounded(entries: readonly TimelineEntry[]): TimelineEntry[] {
  if (entries.length <= MAX_ENTRIES) return [...entries];
  const keep = 20;
  return [...entries.slice(0, keep), ...entries.slice(entries.length - (MAX_ENTRIES - keep))];
}

function isIncident(v: unknown): v is Incident {
  const i = v as Incident | undefined;
  return typeof i?.id === 'string' && typeof i.startedAt === 'string' && Array.isArray(i.entries) && Array.isArray(i.notified);
}

export class IncidentStore implements TimelineRecorder {
  private saved: Saved;
  /** Entries recorded while no incident was open (memory only); a start adopts the recent ones. */
  private loose: TimelineEntry[] = [];
  private saving: Promise<void> = Promise.resolve();
  private readonly listeners = new Set<() => void>();
  readonly memento: StateStore;

  constructor(memento: StateStore) {
    this.memento = memento;
    const raw = memento.get<Saved>(INCIDENT_KEY);
    // a value written by another version, or damaged, is dropped rather than trusted
    this.saved = { ...(isIncident(raw?.current) ? { current: raw!.current } : {}), ...(isIncident(raw?.last) ? { last: raw!.last } : {}) };
  }

  /** The open incident, if any. */
  get current(): Incident | undefined {
    return this.saved.current;
  }

  /** The open incident, else the last one ended: what the report is written from. */
  get latest(): Incident | undefined {
    return this.saved.current ?? this.saved.last;
  }

  onDidChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Opens an incident (a no-op returning the open one when there is one). */
  start(startedBy: string, now = new Date()): Incident {
    if (this.saved.current) return this.saved.current;
    const adopted = this.loose.filter((e) => now.getTime() - new Date(e.at).getTime() <= ADOPT_WINDOW_MS);
    this.loose = [];
    const current: Incident = { id: `incident-${now.toISOString()}`, startedAt: now.toISOString(), startedBy, entries: adopted, notified: [] };
    this.save({ ...this.saved, current });
    return current;
  }

  /** Ends the open incident; it stays as the last one for the report. */
  end(now = new Date()): Incident | undefined {
    const current = this.saved.current;
    if (!current) return undefined;
    const last: Incident = { ...current, endedAt: now.toISOString() };
    this.save({ last });
    return last;
  }

  record(entry: TimelineEntry): void {
    if (!this.saved.current && entry.kind === 'measurement' && (entry.oomKilled?.length ?? 0) > 0) {
      this.start(`step ${entry.step} run on OOM-killed ${entry.oomKilled!.slice(0, 3).join(', ')}`, new Date(entry.at));
    }
    const current = this.saved.current;
    if (!current) {
      this.loose = [...this.loose, entry].slice(-MAX_LOOSE);
      return;
    }
    this.save({ ...this.saved, current: { ...current, entries: bounded([...current.entries, entry]) } });
  }

  /** Notes that an escalation level was announced, so a reload does not announce it again. */
  markNotified(minutes: number): void {
    const current = this.saved.current;
    if (!current || current.notified.includes(minutes)) return;
    this.save({ ...this.saved, current: { ...current, notified: [...current.notified, minutes] } });
  }

  lastResolution(): Date | undefined {
    return lastAppliedAction(this.saved.current?.entries ?? this.loose);
  }

  /** Resolves once every change so far is in the workspace storage. */
  flushed(): Promise<void> {
    return this.saving;
  }

  private save(next: Saved): void {
    this.saved = next;
    // writes in order: a slow first update must not land after the second
    this.saving = this.saving.then(() => this.memento.update(INCIDENT_KEY, next)).then(undefined, () => undefined);
    for (const l of this.listeners) l();
  }
}
