import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { MemoryTrend, SeriesOf, TrendEvent } from '../triage/model.ts';
import { formatBytes } from '../triage/trendFormat.ts';
import type { ContainerTrend } from '../triage/trendVerdict.ts';

// The chart: each container's working set, its limit, the warning threshold under the limit,
// and OOM/restart markers. Colours come from the theme's chart variables, read again on redraw.

const LINE_COLOURS = ['--vscode-charts-blue', '--vscode-charts-green', '--vscode-charts-purple', '--vscode-charts-orange', '--vscode-charts-yellow', '--vscode-charts-foreground'];

// Axis steps in binary units, so ticks read 64 MiB, 128 MiB... like the limits they are compared to.
const BYTE_STEPS = Array.from({ length: 40 }, (_, i) => 2 ** i * 1024);

function themeColour(variable: string, fallbackVariable = '--vscode-foreground'): string {
  const style = getComputedStyle(document.body);
  return style.getPropertyValue(variable).trim() || style.getPropertyValue(fallbackVariable).trim() || 'gray';
}

export interface ChartInput {
  readonly trend: MemoryTrend;
  readonly warningPercent: number;
  /** The verdicts: a growing container's fitted line is drawn over the part it was fitted to. */
  readonly rows?: readonly ContainerTrend[];
}

/** Aligns every series on the union of their timestamps (uPlot wants one x array). */
export function alignedData(trend: MemoryTrend, lines: readonly SeriesOf[]): uPlot.AlignedData {
  const times = [...new Set(lines.flatMap((s) => s.samples.map(([t]) => t)))].sort((a, b) => a - b);
  const index = new Map(times.map((t, i) => [t, i]));
  const columns = lines.map((s) => {
    const col: (number | null)[] = new Array<number | null>(times.length).fill(null);
    for (const [t, v] of s.samples) col[index.get(t)!] = v;
    return col;
  });
  if (times.length === 0) times.push(trend.startSeconds, trend.endSeconds);
  return [times, ...columns];
}

/** One limit line per distinct limit curve: replicas of one workload share theirs. */
function distinctLimits(limits: readonly SeriesOf[]): SeriesOf[] {
  const seen = new Map<string, SeriesOf>();
  for (const l of limits) {
    const key = JSON.stringify(l.samples.map(([, v]) => v));
    if (!seen.has(key)) seen.set(key, l);
  }
  return [...seen.values()];
}

function label(s: SeriesOf, many: boolean): string {
  return many ? `${s.pod} / ${s.container}` : s.pod;
}

export function drawChart(target: HTMLElement, input: ChartInput): uPlot {
  const { trend, warningPercent } = input;
  const manyContainers = new Set(trend.workingSet.map((s) => s.container)).size > 1;
  const limits = distinctLimits(trend.limits);
  const thresholds: SeriesOf[] = limits.slice(0, 1).map((l) => ({
    ...l,
    samples: l.samples.map(([t, v]) => [t, (v * warningPercent) / 100] as const),
  }));
  // comparison lines (RSS, usage) in their container's colour, thin and dotted
  const compared = (trend.compare ?? []).flatMap((c) => c.series.map((series) => ({ label: c.label, series })));
  const colourOf = (s: SeriesOf) => {
    const i = Math.max(0, trend.workingSet.findIndex((w) => w.pod === s.pod && w.container === s.container));
    return themeColour(LINE_COLOURS[i % LINE_COLOURS.length]!);
  };
  const lines = [...trend.workingSet, ...limits, ...thresholds, ...compared.map((c) => c.series)];
  const markers = markerKinds(trend.events);
  const aligned = alignedData(trend, lines);
  // the marker series hold no values: one null column each
  const empty = markers.map(() => new Array<number | null>(aligned[0].length).fill(null));
  const data = [...aligned, ...empty] as uPlot.AlignedData;
  const bytes = (_u: uPlot, v: number | null) => (v === null || v === undefined ? '–' : formatBytes(v));
  const red = themeColour('--vscode-charts-red', '--vscode-errorForeground');
  const series: uPlot.Series[] = [
    {},
    ...trend.workingSet.map((s, i) => ({
      label: label(s, manyContainers),
      stroke: themeColour(LINE_COLOURS[i % LINE_COLOURS.length]!),
      width: 2,
      value: bytes,
    })),
    ...limits.map((l) => ({ label: limits.length > 1 ? `limit (${l.container})` : 'limit', stroke: red, width: 1.5, dash: [8, 4], value: bytes, points: { show: false } })),
    ...thresholds.map(() => ({ label: `${warningPercent}% of limit`, stroke: themeColour('--vscode-charts-yellow'), width: 1, dash: [3, 3], value: bytes, points: { show: false } })),
    ...compared.map((c) => ({ label: `${label(c.series, manyContainers)} ${c.label}`, stroke: colourOf(c.series), width: 1, dash: [1, 3], value: bytes, points: { show: false } })),
    // The markers are drawn by drawEvents, not by uPlot; an empty series gives each kind its
    // legend entry (named, coloured, and clicking it hides the markers like any other line).
    ...markers.map((m) => ({ label: m.label, stroke: themeColour(m.colour), width: 1, dash: [2, 2], value: () => m.count, points: { show: false } })),
  ];
  const markerSeries = new Map(markers.map((m, i) => [m.kind, 1 + lines.length + i]));
  const peak = Math.max(0, ...lines.flatMap((s) => s.samples.map(([, v]) => v)));
  const grid = themeColour('--vscode-editorWidget-border', '--vscode-panel-border');
  const axisText = themeColour('--vscode-descriptionForeground');
  const opts: uPlot.Options = {
    width: Math.max(300, target.clientWidth),
    height: 320,
    series,
    scales: { y: { range: () => [0, peak > 0 ? peak * 1.08 : 1] } },
    axes: [
      { stroke: axisText, grid: { stroke: grid, width: 0.5 }, ticks: { stroke: grid } },
      { stroke: axisText, grid: { stroke: grid, width: 0.5 }, ticks: { stroke: grid }, size: 70, incrs: BYTE_STEPS, values: (_u, vals) => vals.map((v) => formatBytes(v)) },
    ],
    // Drag to zoom in time, double-click to reset. No horizontal crosshair: it marks the mouse's
    // height, not a value, and the legend could not name it; the vertical one is the legend's Time.
    cursor: { y: false, drag: { x: true, y: false } },
    legend: { live: true },
    hooks: {
      draw: [
        (u) => drawEvents(u, trend.events.filter((e) => u.series[markerSeries.get(e.kind) ?? 0]?.show !== false)),
        (u) => drawFits(u, (input.rows ?? []).filter((r) => u.series[1 + trend.workingSet.findIndex((w) => w.pod === r.pod && w.container === r.container)]?.show !== false)),
      ],
    },
  };
  return new uPlot(opts, data, target);
}

/** The marker kinds present in the window, OOM kills first, with their legend text. */
function markerKinds(events: readonly TrendEvent[]): { kind: TrendEvent['kind']; label: string; colour: string; count: string }[] {
  const ooms = events.filter((e) => e.kind === 'OOMKilled').length;
  const restarts = events.length - ooms;
  return [
    ...(ooms ? [{ kind: 'OOMKilled' as const, label: 'OOM kill (red "OOM")', colour: '--vscode-charts-red', count: `${ooms} in window` }] : []),
    ...(restarts ? [{ kind: 'restart' as const, label: 'restart (orange "↻")', colour: '--vscode-charts-orange', count: `${restarts} in window` }] : []),
  ];
}

/** Vertical markers: red for OOMKilled, orange for other restarts, with a short tag at the top. */
function drawEvents(u: uPlot, events: readonly TrendEvent[]): void {
  const { ctx } = u;
  const { top, height } = u.bbox;
  const ratio = devicePixelRatio || 1;
  ctx.save();
  ctx.font = `${10 * ratio}px ${getComputedStyle(document.body).fontFamily || 'sans-serif'}`;
  for (const e of events) {
    const x = Math.round(u.valToPos(e.atSeconds, 'x', true));
    if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) continue;
    const colour = e.kind === 'OOMKilled' ? themeColour('--vscode-charts-red') : themeColour('--vscode-charts-orange');
    ctx.strokeStyle = colour;
    ctx.fillStyle = colour;
    ctx.lineWidth = ratio;
    ctx.setLineDash([2 * ratio, 2 * ratio]);
    ctx.beginPath();
    ctx.moveTo(x, top);
    ctx.lineTo(x, top + height);
    ctx.stroke();
    ctx.fillText(e.kind === 'OOMKilled' ? 'OOM' : '↻', x + 3 * ratio, top + 10 * ratio);
  }
  ctx.restore();
}

/**
 * The fitted line of each growing container, from where its current rate began (a tick there)
 * to the newest sample: the part of the curve the slope and the projection come from.
 */
function drawFits(u: uPlot, rows: readonly ContainerTrend[]): void {
  const { ctx } = u;
  const ratio = devicePixelRatio || 1;
  ctx.save();
  ctx.strokeStyle = themeColour('--vscode-charts-red', '--vscode-errorForeground');
  ctx.fillStyle = ctx.strokeStyle;
  ctx.font = `${10 * ratio}px ${getComputedStyle(document.body).fontFamily || 'sans-serif'}`;
  for (const r of rows) {
    if ((r.verdict !== 'growing' && r.verdict !== 'at-limit') || r.fitFromSeconds === undefined || r.fitToSeconds === undefined || r.fitFromBytes === undefined || r.fitToBytes === undefined) continue;
    const x0 = u.valToPos(r.fitFromSeconds, 'x', true);
    const x1 = u.valToPos(r.fitToSeconds, 'x', true);
    const y0 = u.valToPos(r.fitFromBytes, 'y', true);
    const y1 = u.valToPos(r.fitToBytes, 'y', true);
    ctx.lineWidth = 1.5 * ratio;
    ctx.setLineDash([6 * ratio, 3 * ratio]);
    ctx.beginPath();
    ctx.moveTo(x0, y0);
    ctx.lineTo(x1, y1);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.beginPath();
    ctx.moveTo(x0, y0 - 6 * ratio);
    ctx.lineTo(x0, y0 + 6 * ratio);
    ctx.stroke();
    ctx.fillText('fit', x0 + 3 * ratio, y0 + 14 * ratio);
  }
  ctx.restore();
}
