// The only way data moves between the extension host and the trend webview. Both sides import
// these types; the webview never fetches anything itself (ARCHITECTURE.md).
import type { AllocationGroup, MemoryTrend, PoolFigures, PoolVerdictKind, SocketGroup } from '../triage/model.ts';
import type { ContainerTrend } from '../triage/trendVerdict.ts';
import type { PodScope } from '../prometheus/promql.ts';
import type { RangeId } from '../prometheus/step.ts';

export type { RangeId };

export interface RangeOption {
  readonly id: RangeId;
  readonly label: string;
}

/** Everything the page shows; sent whole on "ready", then replaced piece by piece. */
export interface TrendViewState {
  /** "default / api-leaky-0", or the workload */
  readonly title: string;
  readonly range: RangeId;
  readonly ranges: readonly RangeOption[];
  readonly warningPercent: number;
  /** seconds between two automatic queries while the panel is on screen; 0: off */
  readonly refreshSeconds: number;
  readonly status: TrendStatus;
  /** Step 3: the allocations part of the same panel. */
  readonly allocations: AllocationsStatus;
  /** Step 4: the connections part (pool in the live process, the pod's sockets). */
  readonly pool: PoolStatus;
  /** Issue 11: the resolution buttons are shown (not read-only, a trusted workspace). */
  readonly resolveAllowed: boolean;
}

/** The resolution buttons: Restart Workload (A), Raise Memory Limit (B), Scale Out (D). */
export type ResolveAction = 'restart' | 'raiseLimit' | 'scaleOut';

export type TrendStatus =
  | { readonly kind: 'empty'; readonly message: string }
  | { readonly kind: 'loading' }
  | { readonly kind: 'ready'; readonly trend: MemoryTrend; readonly rows: readonly ContainerTrend[]; readonly loadedAt: number }
  | { readonly kind: 'error'; readonly message: string; readonly hint?: string };

/** What the page keeps in its webview state so VS Code can restore the panel after a reload. */
export interface SavedTrend {
  readonly title: string;
  readonly context: string;
  readonly scope: PodScope;
  readonly range: RangeId;
}

/** Where a site's container path leads in the workspace (never a guess: ambiguous is shown as such). */
export type SiteLocation =
  | { readonly kind: 'mapped'; readonly label: string }
  | { readonly kind: 'ambiguous'; readonly candidates: readonly string[] }
  | { readonly kind: 'unmatched' };

export interface FrameRow {
  readonly file: string;
  readonly line: number;
  readonly functionName?: string;
  readonly library: boolean;
}

/** One allocation site as the table shows it; `id` is its index in the host's report. */
export interface AllocationRow {
  readonly id: number;
  readonly file: string;
  readonly line: number;
  readonly functionName?: string;
  readonly code?: string;
  readonly bytes: number;
  readonly count: number;
  readonly growthBytes?: number;
  readonly growthCount?: number;
  /** bytes / the report's totalBytes, 0..1 */
  readonly share: number;
  /** growthBytes per minute of the window, when growth was measured */
  readonly growthPerMinute?: number;
  /** standard library, site-packages, node_modules...: grouped apart, collapsed */
  readonly library: boolean;
  readonly location: SiteLocation;
  readonly traceback: readonly FrameRow[];
}

export interface AllocationsView {
  /** "default / api-leaky-0 / api" or the file name */
  readonly title: string;
  readonly takenAt: number;
  readonly measure: 'growth' | 'size';
  readonly windowSeconds?: number;
  readonly method: string;
  readonly notes: readonly string[];
  readonly totalBytes: number;
  readonly growthBytes?: number;
  readonly rows: readonly AllocationRow[];
  /** A heap file's objects by constructor or type (largest retained first), when it says. */
  readonly groups?: readonly AllocationGroup[];
}

export type AllocationsStatus =
  | { readonly kind: 'none' }
  | { readonly kind: 'capturing'; readonly title: string; readonly message: string; readonly endsAt?: number }
  | { readonly kind: 'ready'; readonly view: AllocationsView }
  | { readonly kind: 'error'; readonly title: string; readonly message: string; readonly hint?: string };

/** One look at the pools and sockets as the connections part shows it; `at` in ms since the epoch. */
export interface PoolCheckView {
  readonly at: number;
  readonly pools: readonly PoolFigures[];
  readonly sockets: readonly SocketGroup[];
  readonly problems: readonly string[];
  /** Groups left out of `sockets` to bound the page (the busiest are kept). */
  readonly socketsLeftOut: number;
}

export interface PoolView {
  /** "default / api-7c9f / api" */
  readonly title: string;
  readonly pid?: number;
  readonly verdict: { readonly kind: PoolVerdictKind; readonly text: string };
  readonly method: string;
  readonly checks: readonly PoolCheckView[];
}

export type PoolStatus =
  | { readonly kind: 'none' }
  | { readonly kind: 'checking'; readonly title: string; readonly message: string; readonly endsAt?: number }
  | { readonly kind: 'ready'; readonly view: PoolView }
  | { readonly kind: 'error'; readonly title: string; readonly message: string; readonly hint?: string };

/** Host -> webview. */
export type ToWebview =
  | { readonly type: 'hydrate'; readonly state: TrendViewState }
  | { readonly type: 'status'; readonly title: string; readonly range: RangeId; readonly status: TrendStatus }
  | { readonly type: 'settings'; readonly warningPercent: number; readonly refreshSeconds: number }
  | { readonly type: 'persist'; readonly state: SavedTrend }
  | { readonly type: 'allocations'; readonly status: AllocationsStatus }
  | { readonly type: 'pool'; readonly status: PoolStatus }
  | { readonly type: 'resolveAllowed'; readonly allowed: boolean }
  /** The post-incident report asks for the chart on screen as a PNG. */
  | { readonly type: 'chartImage'; readonly id: number };

/** The page's chartImage reason when the trend has nothing to draw: asking again will not help. */
export const NO_SAMPLES = 'no samples to chart';

/** Webview -> host. */
export type FromWebview =
  | { readonly type: 'ready' }
  | { readonly type: 'setRange'; readonly range: RangeId }
  | { readonly type: 'refresh' }
  | { readonly type: 'showLog' }
  | { readonly type: 'openSite'; readonly id: number; readonly frame?: number }
  | { readonly type: 'mapPath'; readonly id: number }
  | { readonly type: 'saveReport' }
  | { readonly type: 'findLeaks' }
  | { readonly type: 'checkDb' }
  /** A resolution button on the panel's pod; the host checks the action before running anything. */
  | { readonly type: 'resolve'; readonly action: ResolveAction }
  /** Files dropped on the allocations part, as the uri-list the drop carried. */
  | { readonly type: 'openHeapFile'; readonly uris: readonly string[] }
  /** The answer to chartImage: a data:image/png URL, or why there is none (no chart drawn yet). */
  | { readonly type: 'chartImage'; readonly id: number; readonly dataUrl?: string; readonly reason?: string };
