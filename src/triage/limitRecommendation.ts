// Option B's proposal, krr-style: the peak working set of the container over the history window
// (Prometheus max_over_time) plus 15 %, and at least the limit it had at its last OOM kill plus
// 25 % when it was killed (a kill means the peak seen is a floor, not the need); rounded up to a
// value a person would write; capped by the namespace's LimitRange maximum. The request is kept at
// or below the limit, and the nodes are checked for one that could schedule the new request.
import { formatBytes } from './quantity.ts';

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

export const PEAK_HEADROOM = 0.15;
export const OOM_HEADROOM = 0.25;

export interface LimitHistory {
  readonly historyDays: number;
  /** max_over_time of the working set over the window; undefined: Prometheus had no series. */
  readonly peakBytes?: number;
  /** Pods of the workload whose container was OOM-killed in the window. */
  readonly kills: number;
  /** The container's memory limit at its last OOM kill. */
  readonly limitAtLastKillBytes?: number;
  readonly currentLimitBytes?: number;
  readonly currentRequestBytes?: number;
  /** The LimitRange maximum for a container's memory in the namespace, and the LimitRange's name. */
  readonly limitRangeMax?: { readonly bytes: number; readonly name: string };
  /** Allocatable memory of each node. */
  readonly nodes: readonly { readonly name: string; readonly allocatableBytes: number }[];
}

export type LimitRule = 'peak' | 'oom' | 'current' | 'limit-range';

export interface LimitRecommendation {
  /** The proposed limit, rounded, as a Kubernetes quantity ("768Mi", "2Gi"). */
  readonly limit: string;
  readonly limitBytes: number;
  /** The request to set with it: undefined when the current one already fits under the limit. */
  readonly request?: string;
  readonly rule: LimitRule;
  /** The figures used and the rule that won, one line each, for the user and the timeline. */
  readonly figures: readonly string[];
  readonly warnings: readonly string[];
}

/** Rounds up to a step a person would write: 32Mi under 1Gi, 128Mi under 4Gi, 512Mi above. */
export function roundLimit(bytes: number): number {
  const step = bytes <= GiB ? 32 * MiB : bytes <= 4 * GiB ? 128 * MiB : 512 * MiB;
  return Math.max(step, Math.ceil(bytes / step) * step);
}

/** "2Gi" when whole GiB, else "1280Mi"; whole MiB below that, bytes for anything else. */
export function memoryQuantity(bytes: number): string {
  if (bytes % GiB === 0) return `${bytes / GiB}Gi`;
  if (bytes % MiB === 0) return `${bytes / MiB}Mi`;
  return `${Math.ceil(bytes)}`;
}

export function recommendLimit(h: LimitHistory): LimitRecommendation {
  const figures: string[] = [];
  const warnings: string[] = [];
  const candidates: { rule: LimitRule; bytes: number }[] = [];
  if (h.peakBytes !== undefined && h.peakBytes > 0) {
    candidates.push({ rule: 'peak', bytes: h.peakBytes * (1 + PEAK_HEADROOM) });
    figures.push(`Peak working set over ${h.historyDays} d: ${formatBytes(h.peakBytes)}; + 15 % = ${formatBytes(h.peakBytes * (1 + PEAK_HEADROOM))}`);
  } else {
    figures.push(`Peak working set over ${h.historyDays} d: none in Prometheus`);
  }
  if (h.kills > 0) {
    const at = h.limitAtLastKillBytes ?? h.currentLimitBytes;
    if (at !== undefined) {
      candidates.push({ rule: 'oom', bytes: at * (1 + OOM_HEADROOM) });
      figures.push(`OOM kills in ${h.historyDays} d: ${h.kills}; limit at the last kill ${formatBytes(at)}; + 25 % = ${formatBytes(at * (1 + OOM_HEADROOM))}`);
    } else {
      figures.push(`OOM kills in ${h.historyDays} d: ${h.kills}; the limit at the kill is unknown`);
    }
  } else {
    figures.push(`OOM kills in ${h.historyDays} d: none`);
  }
  if (candidates.length === 0 && h.currentLimitBytes !== undefined) {
    candidates.push({ rule: 'current', bytes: h.currentLimitBytes * (1 + OOM_HEADROOM) });
    warnings.push('No history to go on: the proposal is the current limit + 25 %. Check the trend before applying it.');
  }
  if (candidates.length === 0) {
    candidates.push({ rule: 'current', bytes: 512 * MiB });
    warnings.push('No history and no current limit: 512Mi is only a starting point. Check the trend before applying it.');
  }
  const winner = candidates.reduce((a, b) => (b.bytes > a.bytes ? b : a));
  let rule = winner.rule;
  let limitBytes = roundLimit(winner.bytes);
  figures.push(`Rule that won: ${ruleText(rule)}; rounded up to ${memoryQuantity(limitBytes)}`);
  if (h.limitRangeMax && limitBytes > h.limitRangeMax.bytes) {
    const wanted = limitBytes;
    limitBytes = h.limitRangeMax.bytes;
    rule = 'limit-range';
    figures.push(`Capped by LimitRange ${h.limitRangeMax.name}: max memory per container ${memoryQuantity(limitBytes)}`);
    warnings.push(`LimitRange ${h.limitRangeMax.name} allows at most ${memoryQuantity(limitBytes)} per container; the history asks for ${memoryQuantity(wanted)}. Raise the LimitRange or scale out instead.`);
  }
  if (h.currentLimitBytes !== undefined && limitBytes <= h.currentLimitBytes) {
    warnings.push(`The proposal (${memoryQuantity(limitBytes)}) is not above the current limit (${formatBytes(h.currentLimitBytes)}).`);
  }
  const request = h.currentRequestBytes !== undefined && h.currentRequestBytes > limitBytes ? limitBytes : undefined;
  if (request !== undefined) figures.push(`Request lowered to the limit: ${memoryQuantity(request)} (was ${formatBytes(h.currentRequestBytes!)})`);
  // A container with no request gets its limit as the request (API server defaulting).
  const newRequest = request ?? h.currentRequestBytes ?? limitBytes;
  const fit = nodeFitWarning(newRequest, h.nodes);
  if (fit) warnings.push(fit);
  return { limit: memoryQuantity(limitBytes), limitBytes, request: request === undefined ? undefined : memoryQuantity(request), rule, figures, warnings };
}

/** The warning when no node's allocatable memory holds `requestBytes`; undefined when one does (or no node was read). */
export function nodeFitWarning(requestBytes: number, nodes: LimitHistory['nodes']): string | undefined {
  if (nodes.length === 0 || nodes.some((n) => n.allocatableBytes >= requestBytes)) return undefined;
  const largest = nodes.reduce((a, b) => (b.allocatableBytes > a.allocatableBytes ? b : a));
  return `No node can schedule a memory request of ${formatBytes(requestBytes)}: the largest allocatable is ${formatBytes(largest.allocatableBytes)} (node ${largest.name}). New pods would stay Pending.`;
}

function ruleText(rule: LimitRule): string {
  switch (rule) {
    case 'peak': return 'peak + 15 %';
    case 'oom': return 'limit at the last OOM kill + 25 %';
    case 'current': return 'current limit + 25 % (no history)';
    case 'limit-range': return 'LimitRange maximum';
  }
}
