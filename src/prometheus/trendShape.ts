import type { Sample, SeriesOf, TrendEvent } from '../triage/model.ts';
import type { RangeSeries } from './client.ts';

// Range results -> the shared MemoryTrend pieces. Everything keyed by (pod, container); series
// without those labels are not about a container and are left out.

const MAX_SAMPLES_PER_SERIES = 11_001;

function keyOf(labels: Readonly<Record<string, string>>): { pod: string; container: string } | undefined {
  const pod = labels['pod'];
  const container = labels['container'];
  return pod && container ? { pod, container } : undefined;
}

/** One SeriesOf per (pod, container), samples in time order, sorted by pod then container. */
export function toSeries(result: readonly RangeSeries[]): SeriesOf[] {
  const byKey = new Map<string, { pod: string; container: string; samples: Sample[] }>();
  for (const s of result) {
    const key = keyOf(s.labels);
    if (!key) continue;
    const id = `${key.pod}\u0000${key.container}`;
    const entry = byKey.get(id) ?? { ...key, samples: [] };
    entry.samples.push(...s.samples.slice(0, MAX_SAMPLES_PER_SERIES));
    byKey.set(id, entry);
  }
  return [...byKey.values()]
    .map((e) => ({ pod: e.pod, container: e.container, samples: dedupeSorted(e.samples) }))
    .sort((a, b) => a.pod.localeCompare(b.pod) || a.container.localeCompare(b.container));
}

function dedupeSorted(samples: Sample[]): Sample[] {
  samples.sort((a, b) => a[0] - b[0]);
  return samples.filter((s, i) => i === 0 || s[0] !== samples[i - 1]![0]);
}

/**
 * Restart and OOM markers. A restart is a rise of the restart counter between two samples; it is
 * an OOMKilled one when kube-state-metrics says the last termination was OOMKilled at that moment.
 * A counter that is already above zero at the window's start says nothing about the window.
 */
export function toEvents(restarts: readonly SeriesOf[], oomKilled: readonly SeriesOf[], stepSeconds: number): TrendEvent[] {
  const oomByKey = new Map(oomKilled.map((s) => [`${s.pod}\u0000${s.container}`, s.samples]));
  const events: TrendEvent[] = [];
  for (const series of restarts) {
    const oom = oomByKey.get(`${series.pod}\u0000${series.container}`) ?? [];
    for (let i = 1; i < series.samples.length; i++) {
      const [t, count] = series.samples[i]!;
      const before = series.samples[i - 1]![1];
      if (count <= before) continue; // unchanged, or the exporter restarted and the counter reset
      const kind = valueAt(oom, t, stepSeconds) === 1 ? 'OOMKilled' : 'restart';
      // several restarts inside one step are one marker each, at the same time
      for (let n = 0; n < Math.min(count - before, 20); n++) {
        events.push({ pod: series.pod, container: series.container, atSeconds: t, kind });
      }
    }
  }
  return events.sort((a, b) => a.atSeconds - b.atSeconds);
}

/** The sample at t, else the first one within a step after it (the gauge can lag the counter a scrape). */
function valueAt(samples: readonly Sample[], t: number, lagSeconds: number): number | undefined {
  for (const [ts, v] of samples) if (ts >= t) return ts - t <= lagSeconds ? v : undefined;
  return undefined;
}
