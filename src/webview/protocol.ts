// The only way data moves between the extension host and the trend webview. Both sides import
// these types; the webview never fetches anything itself (ARCHITECTURE.md).
import type { MemoryTrend } from '../triage/model.ts';
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
}

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

/** Host -> webview. */
export type ToWebview =
  | { readonly type: 'hydrate'; readonly state: TrendViewState }
  | { readonly type: 'status'; readonly title: string; readonly range: RangeId; readonly status: TrendStatus }
  | { readonly type: 'settings'; readonly warningPercent: number; readonly refreshSeconds: number }
  | { readonly type: 'persist'; readonly state: SavedTrend };

/** Webview -> host. */
export type FromWebview =
  | { readonly type: 'ready' }
  | { readonly type: 'setRange'; readonly range: RangeId }
  | { readonly type: 'refresh' }
  | { readonly type: 'showLog' };
