import type uPlot from 'uplot';
import { AllocationsTable } from './allocationsTable.ts';
import { PoolTable } from './poolTable.ts';
import { NO_SAMPLES, type AllocationsStatus, type PoolStatus, type RangeId, type ResolveAction, type ToWebview, type TrendViewState } from './protocol.ts';
import { chartDataUrl } from './chartImage.ts';
import { drawChart } from './trendChart.ts';
import { renderTable } from './trendTable.ts';
import { onMessage, post, saveState } from './vscodeApi.ts';

// The trend page: a header (title, the three tabs, range buttons, refresh), then the trend part (the
// chart, the table, or a message), the allocations part or the connections part. It draws what the host sends and asks
// the host for everything else.

let state: TrendViewState | undefined;
let chart: uPlot | undefined;
/** title and range of the chart on screen */
let drawn: string | undefined;

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const title = byId<HTMLHeadingElement>('title');
const ranges = byId<HTMLDivElement>('ranges');
const status = byId<HTMLParagraphElement>('status');
const chartBox = byId<HTMLDivElement>('chart');
const table = byId<HTMLDivElement>('table');
const source = byId<HTMLParagraphElement>('source');

const refresh = byId<HTMLButtonElement>('refresh');
refresh.addEventListener('click', () => post({ type: 'refresh' }));
byId<HTMLButtonElement>('log').addEventListener('click', () => post({ type: 'showLog' }));
// Restart / Raise Limit / Scale Out on the panel's pod; shown only when the host allows changes
const resolve = byId<HTMLSpanElement>('resolve');
for (const action of ['restart', 'raiseLimit', 'scaleOut'] as const satisfies readonly ResolveAction[]) {
  byId<HTMLButtonElement>(`resolve-${action}`).addEventListener('click', () => post({ type: 'resolve', action }));
}

type Tab = 'trend' | 'allocations' | 'connections';
const TABS: readonly Tab[] = ['trend', 'allocations', 'connections'];
const tabs: Record<Tab, HTMLButtonElement> = { trend: byId('tab-trend'), allocations: byId('tab-allocations'), connections: byId('tab-connections') };
const parts: Record<Tab, HTMLElement> = { trend: byId('trend'), allocations: byId('allocations'), connections: byId('connections') };
const allocations = new AllocationsTable(parts.allocations);
const pool = new PoolTable(parts.connections);
let tab: Tab = 'trend';
/** What the allocations part showed last: the first result and each new capture bring it forward. */
let allocationKind: AllocationsStatus['kind'] = 'none';
let allocationsSeen = false;
let poolKind: PoolStatus['kind'] = 'none';
let poolSeen = false;

function selectTab(next: Tab, focus = false): void {
  tab = next;
  for (const t of TABS) {
    const on = t === next;
    tabs[t].setAttribute('aria-selected', String(on));
    tabs[t].tabIndex = on ? 0 : -1;
    tabs[t].classList.toggle('selected', on);
    parts[t].hidden = !on;
  }
  // the range and Refresh are the trend's
  ranges.hidden = next !== 'trend';
  refresh.hidden = next !== 'trend';
  document.body.dataset['tab'] = next;
  if (focus) tabs[next].focus();
}

for (const t of TABS) tabs[t].addEventListener('click', () => selectTab(t));
// the tabs pattern: arrow keys, Home and End move between the tabs
byId<HTMLDivElement>('tabs').addEventListener('keydown', (e: KeyboardEvent) => {
  const i = TABS.indexOf(tab);
  const next = e.key === 'ArrowRight' ? TABS[(i + 1) % TABS.length] : e.key === 'ArrowLeft' ? TABS[(i + TABS.length - 1) % TABS.length] : e.key === 'Home' ? TABS[0] : e.key === 'End' ? TABS[TABS.length - 1] : undefined;
  if (!next) return;
  e.preventDefault();
  selectTab(next, true);
});

function showAllocations(status: AllocationsStatus): void {
  const newCapture = status.kind === 'capturing' && allocationKind !== 'capturing';
  if ((status.kind !== 'none' && !allocationsSeen) || newCapture) selectTab('allocations');
  allocationsSeen ||= status.kind !== 'none';
  allocationKind = status.kind;
  allocations.update(status);
}

/** The same for the connections part: its first result and each new check bring it forward. */
function showPool(status: PoolStatus): void {
  const newCheck = status.kind === 'checking' && poolKind !== 'checking';
  if ((status.kind !== 'none' && !poolSeen) || newCheck) selectTab('connections');
  poolSeen ||= status.kind !== 'none';
  poolKind = status.kind;
  pool.update(status);
}

function renderRanges(current: RangeId): void {
  if (!state) return;
  ranges.replaceChildren(
    ...state.ranges.map((r) => {
      const b = document.createElement('button');
      b.textContent = r.id;
      b.title = r.label;
      b.className = r.id === current ? 'range selected' : 'range';
      b.setAttribute('aria-pressed', String(r.id === current));
      b.addEventListener('click', () => post({ type: 'setRange', range: r.id }));
      return b;
    }),
  );
}

/** The chart's markers in words: the canvas cannot say them to a screen reader. */
function markerNote(events: readonly { kind: string }[]): string {
  const ooms = events.filter((e) => e.kind === 'OOMKilled').length;
  const restarts = events.length - ooms;
  if (events.length === 0) return '';
  const parts = [ooms ? `${ooms} OOM kill${ooms === 1 ? '' : 's'} (red "OOM" lines)` : '', restarts ? `${restarts} other restart${restarts === 1 ? '' : 's'} (orange "↻" lines)` : ''];
  return `In this window: ${parts.filter(Boolean).join(', ')}. `;
}

/** The x range when the user has zoomed in (narrower than the data), else undefined. */
function zoomOf(u: uPlot): { min: number; max: number } | undefined {
  const xs = u.data[0];
  const { min, max } = u.scales['x'] ?? {};
  if (xs.length === 0 || min === undefined || max === undefined) return undefined;
  return min > xs[0]! || max < xs[xs.length - 1]! ? { min, max } : undefined;
}

function render(): void {
  if (!state) return;
  title.textContent = state.title;
  renderRanges(state.range);
  const s = state.status;
  document.body.dataset['status'] = s.kind;
  if (s.kind === 'loading') {
    status.textContent = 'Querying Prometheus…'; // the previous picture stays while the new one loads
    return;
  }
  // A refresh of the same pods and range keeps the user's zoom (a window in absolute time).
  const keepZoom = s.kind === 'ready' && chart && drawn === `${state.title}\n${state.range}` ? zoomOf(chart) : undefined;
  chart?.destroy();
  chart = undefined;
  drawn = undefined;
  switch (s.kind) {
    case 'empty':
      status.textContent = s.message;
      chartBox.replaceChildren();
      table.replaceChildren();
      source.textContent = '';
      return;
    case 'error': {
      status.textContent = s.hint ? `${s.message} ${s.hint}` : s.message;
      chartBox.replaceChildren();
      table.replaceChildren();
      source.textContent = '';
      return;
    }
    case 'ready': {
      const at = new Date(s.loadedAt).toLocaleTimeString();
      const every = state.refreshSeconds > 0 ? ` Refreshes every ${state.refreshSeconds} s while shown.` : '';
      status.textContent = s.trend.workingSet.length === 0 ? `Prometheus has no working-set samples for these pods in this window.${every}` : `Updated ${at}.${every} Drag across the chart to zoom; double-click to zoom out.`;
      status.dataset['loadedAt'] = String(s.loadedAt);
      chartBox.replaceChildren();
      if (s.trend.workingSet.length > 0) {
        chart = drawChart(chartBox, { trend: s.trend, warningPercent: state.warningPercent, rows: s.rows });
        drawn = `${state.title}\n${state.range}`;
        if (keepZoom) chart.setScale('x', keepZoom);
      }
      renderTable(table, s.rows);
      source.textContent = `${markerNote(s.trend.events)}Source: ${s.trend.source}`;
      return;
    }
  }
}

onMessage((message: ToWebview) => {
  switch (message.type) {
    case 'hydrate':
      state = message.state;
      resolve.hidden = !state.resolveAllowed;
      showAllocations(state.allocations);
      showPool(state.pool);
      break;
    case 'status':
      if (!state) return;
      state = { ...state, title: message.title, range: message.range, status: message.status };
      break;
    case 'settings':
      if (!state) return;
      state = { ...state, warningPercent: message.warningPercent, refreshSeconds: message.refreshSeconds };
      break;
    case 'persist':
      saveState(message.state);
      return;
    case 'resolveAllowed':
      resolve.hidden = !message.allowed;
      return;
    case 'allocations':
      if (state) state = { ...state, allocations: message.status };
      showAllocations(message.status);
      return;
    case 'pool':
      if (state) state = { ...state, pool: message.status };
      showPool(message.status);
      return;
    case 'chartImage':
      post(chart && drawn ? { type: 'chartImage', id: message.id, dataUrl: chartDataUrl(chart, state?.title ?? 'Memory trend') } : { type: 'chartImage', id: message.id, reason: state?.status.kind === 'ready' ? NO_SAMPLES : 'the chart is not drawn yet' });
      return;
  }
  render();
});

// Resize with the panel; redraw when the theme (the body's class) changes, to pick up its colours.
new ResizeObserver(() => chart?.setSize({ width: Math.max(300, chartBox.clientWidth), height: 320 })).observe(chartBox);
new MutationObserver(() => state?.status.kind === 'ready' && render()).observe(document.body, { attributes: true, attributeFilter: ['class'] });

post({ type: 'ready' });
