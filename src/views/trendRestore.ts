import { MAX_PODS_PER_QUERY, type PodScope, type WorkloadKind } from '../prometheus/promql.ts';
import { RANGES, type RangeId } from '../prometheus/step.ts';
import type { SavedTrend } from '../webview/protocol.ts';

// The trend panel keeps what it shows in the webview's state (vscode.setState), so VS Code can
// bring it back after a reload. That state comes back from disk: it is checked field by field
// and anything odd restores nothing rather than a query built from it.

const WORKLOAD_KINDS: readonly WorkloadKind[] = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'Pod'];
const MAX_TEXT = 512;

const text = (v: unknown): v is string => typeof v === 'string' && v.length <= MAX_TEXT;
const name = (v: unknown): v is string => text(v) && v.length > 0;

function scopeOf(v: unknown): PodScope | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const s = v as Record<string, unknown>;
  if (!name(s['namespace'])) return undefined;
  if (s['kind'] === 'pods') {
    const names = s['names'];
    if (!Array.isArray(names) || names.length === 0 || names.length > MAX_PODS_PER_QUERY || !names.every(name)) return undefined;
    return { kind: 'pods', namespace: s['namespace'], names: [...names] };
  }
  if (s['kind'] === 'workload' && name(s['name']) && WORKLOAD_KINDS.includes(s['workload'] as WorkloadKind)) {
    return { kind: 'workload', namespace: s['namespace'], workload: s['workload'] as WorkloadKind, name: s['name'] };
  }
  return undefined;
}

/** The saved trend, or undefined when the state is missing or not one we wrote. */
export function parseSavedTrend(state: unknown): SavedTrend | undefined {
  if (typeof state !== 'object' || state === null) return undefined;
  const s = state as Record<string, unknown>;
  const scope = scopeOf(s['scope']);
  const range = RANGES.find((r) => r.id === s['range'])?.id as RangeId | undefined;
  if (!scope || !range || !name(s['title']) || !text(s['context'])) return undefined;
  return { title: s['title'], context: s['context'], scope, range };
}
