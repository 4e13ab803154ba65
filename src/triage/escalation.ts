// The runbook's Escalation (Level 1 on-call now, Level 2 platform team lead at 15 min, Level 3
// engineering manager at 30 min) and its 10-30 minute recovery estimate, as pure functions of
// the time since the incident started.

export interface EscalationLevel {
  readonly name: string;
  /** Minutes after the start at which this level is to be called. */
  readonly minutes: number;
}

export const DEFAULT_LEVELS: readonly EscalationLevel[] = [
  { name: 'On-call engineer', minutes: 0 },
  { name: 'Platform team lead', minutes: 15 },
  { name: 'Engineering manager', minutes: 30 },
];

/** The runbook's estimate for recovery by restart, limit or scale: 10 to 30 minutes. */
export const RECOVERY_ESTIMATE_MINUTES = { from: 10, to: 30 } as const;

/** The levels from the setting, sorted by minutes; bad entries are named in `problems` and left out. */
export function parseLevels(value: unknown): { levels: EscalationLevel[]; problems: string[] } {
  if (!Array.isArray(value)) return { levels: [...DEFAULT_LEVELS], problems: value === undefined ? [] : ['memoryTriage.escalation.levels is not a list; the runbook\'s levels are used.'] };
  const levels: EscalationLevel[] = [];
  const problems: string[] = [];
  value.forEach((v, i) => {
    const name = (v as { name?: unknown } | null)?.name;
    const minutes = (v as { minutes?: unknown } | null)?.minutes;
    if (typeof name !== 'string' || name.trim() === '' || typeof minutes !== 'number' || !Number.isFinite(minutes) || minutes < 0) {
      problems.push(`memoryTriage.escalation.levels[${i}] needs a name and minutes ≥ 0; left out.`);
      return;
    }
    levels.push({ name: name.trim(), minutes });
  });
  return { levels: levels.sort((a, b) => a.minutes - b.minutes), problems };
}

/** The levels due `elapsedMs` after the start (a level is due from its minute on). */
export function levelsDue(levels: readonly EscalationLevel[], elapsedMs: number): EscalationLevel[] {
  return levels.filter((l) => elapsedMs >= l.minutes * 60_000);
}

/** The next level not yet due, if any. */
export function nextLevel(levels: readonly EscalationLevel[], elapsedMs: number): EscalationLevel | undefined {
  return levels.find((l) => elapsedMs < l.minutes * 60_000);
}

/** Levels due and not yet announced (by their minutes), in order. */
export function levelsToAnnounce(levels: readonly EscalationLevel[], elapsedMs: number, announced: readonly number[]): EscalationLevel[] {
  return levelsDue(levels, elapsedMs).filter((l) => !announced.includes(l.minutes));
}

/** "12:05" for 12 min 5 s; "1:02:05" past the hour. */
export function elapsedText(elapsedMs: number): string {
  const total = Math.max(0, Math.floor(elapsedMs / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** Where the elapsed time stands against the runbook's 10-30 minute recovery estimate. */
export function estimateState(elapsedMs: number): 'within' | 'in range' | 'over' {
  const minutes = elapsedMs / 60_000;
  if (minutes < RECOVERY_ESTIMATE_MINUTES.from) return 'within';
  return minutes <= RECOVERY_ESTIMATE_MINUTES.to ? 'in range' : 'over';
}

/** The status bar's words: "Incident 16:40 / 10-30 min · Platform team lead (next: Engineering manager at 30 min)". */
export function timerText(levels: readonly EscalationLevel[], elapsedMs: number): string {
  const due = levelsDue(levels, elapsedMs);
  const current = due[due.length - 1];
  const next = nextLevel(levels, elapsedMs);
  const who = current ? ` · ${current.name}` : '';
  const then = next ? ` (next: ${next.name} at ${next.minutes} min)` : '';
  return `Incident ${elapsedText(elapsedMs)} / ${RECOVERY_ESTIMATE_MINUTES.from}-${RECOVERY_ESTIMATE_MINUTES.to} min${who}${then}`;
}
