// Replays recorded series up to a real OOM kill (bench/forecastRecord.ts) through the trend's
// verdict as the panel would have asked it every 20 s, and says how far each projection was
// from the kill. Used by docs/BENCHMARKS.md ("The forecast") and by test/unit/trendRecorded.test.ts.
//
//   node bench/forecastReplay.ts [fixture.json] [--verdict path/to/trendVerdict.ts]
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Sample } from '../src/triage/model.ts';
import type { summarizeContainer as Summarize } from '../src/triage/trendVerdict.ts';

export interface RecordedKill {
  readonly pod: string;
  readonly limitBytes: number;
  readonly killAtSeconds: number;
  readonly leakStartSeconds: number;
  /** 5 s resolution, up to the kill */
  readonly samples: readonly Sample[];
}

export interface Prediction {
  readonly atSeconds: number;
  /** seconds before the kill */
  readonly beforeKill: number;
  readonly verdict: string;
  readonly projectedSeconds?: number;
  /** |projected kill - real kill| / time left; undefined without a projection */
  readonly error?: number;
}

/** The samples a range query at `now` with this step and range would have returned. */
export function asQueried(samples: readonly Sample[], now: number, stepSeconds: number, rangeSeconds: number): Sample[] {
  const out: Sample[] = [];
  let i = samples.length - 1;
  for (let t = now; t >= now - rangeSeconds; t -= stepSeconds) {
    while (i >= 0 && samples[i]![0] > t) i--;
    // Prometheus' lookback: the newest sample at or before t, if not older than 5 minutes
    if (i < 0) break;
    if (t - samples[i]![0] <= 300) out.push([t, samples[i]![1]]);
  }
  return out.reverse();
}

/** Predictions every `everySeconds` from the leak's start until 30 s before the kill. */
export function replay(kill: RecordedKill, summarize: typeof Summarize, stepSeconds: number, rangeSeconds: number, everySeconds = 20): Prediction[] {
  const out: Prediction[] = [];
  for (let now = kill.leakStartSeconds + everySeconds; now <= kill.killAtSeconds - 30; now += everySeconds) {
    const samples = asQueried(kill.samples, now, stepSeconds, rangeSeconds);
    const row = summarize({ pod: kill.pod, container: 'api', samples }, kill.limitBytes, [], stepSeconds, { warningPercent: 80, criticalPercent: 90 });
    const left = kill.killAtSeconds - now;
    const projected = row.secondsToLimit;
    out.push({ atSeconds: now, beforeKill: left, verdict: row.verdict, projectedSeconds: projected, error: projected === undefined ? undefined : Math.abs(projected - left) / left });
  }
  return out;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--verdict');
  const verdictPath = at >= 0 ? resolve(args[at + 1]!) : resolve('src/triage/trendVerdict.ts');
  const fixture = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--verdict') ?? 'test/unit/fixtures/trend-recorded.json';
  const { summarizeContainer } = (await import(pathToFileURL(verdictPath).href)) as { summarizeContainer: typeof Summarize };
  const recorded = JSON.parse(readFileSync(fixture, 'utf8')) as Record<string, RecordedKill>;
  console.log('scenario  range/step  predictions  with projection  first projection  max error (>=30 s before)  median error');
  for (const name of ['early', 'late']) {
    for (const [range, step] of [[900, 15], [3600, 60]] as const) {
      const p = replay(recorded[name]!, summarizeContainer, step, range);
      const withProjection = p.filter((x) => x.error !== undefined);
      const errors = withProjection.map((x) => x.error!).sort((a, b) => a - b);
      const first = withProjection[0];
      const pct = (x: number | undefined) => (x === undefined ? '–' : `${(x * 100).toFixed(0)} %`);
      console.log(
        `${name.padEnd(9)} ${`${range / 60}m/${step}s`.padEnd(11)} ${String(p.length).padEnd(12)} ${String(withProjection.length).padEnd(16)} ` +
        `${first ? `${Math.round(first.atSeconds - recorded[name]!.leakStartSeconds)} s after leak start` : '–'}`.padEnd(20) +
        ` ${pct(errors.at(-1)).padEnd(26)} ${pct(errors[Math.floor(errors.length / 2)])}`,
      );
    }
  }
}
