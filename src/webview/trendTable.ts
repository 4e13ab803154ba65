import type { ContainerTrend } from '../triage/trendVerdict.ts';
import { formatBytes, formatFit, formatRate, formatTimeToLimit } from '../triage/trendFormat.ts';

// The per-container figures under the chart. Every cell is set through textContent: pod names,
// container names and verdicts are data, never markup.

const COLUMNS = ['Pod', 'Container', 'Now', 'Limit', 'Growth', 'Fit', 'Projection', 'Restarts', 'Verdict'] as const;

function cell(row: HTMLTableRowElement, text: string, className?: string): HTMLTableCellElement {
  const td = row.insertCell();
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

export function renderTable(container: HTMLElement, rows: readonly ContainerTrend[]): void {
  const table = document.createElement('table');
  table.className = 'trend-table';
  const head = table.createTHead().insertRow();
  for (const name of COLUMNS) {
    const th = document.createElement('th');
    th.textContent = name;
    th.scope = 'col';
    head.appendChild(th);
  }
  const body = table.createTBody();
  for (const r of rows) {
    const tr = body.insertRow();
    tr.className = `verdict-${r.verdict}`;
    cell(tr, r.pod, 'pod');
    cell(tr, r.container);
    cell(tr, r.latestBytes === undefined ? '–' : formatBytes(r.latestBytes), 'num');
    cell(tr, r.limitBytes === undefined ? 'none' : formatBytes(r.limitBytes), 'num');
    cell(tr, r.slopeMiBPerMinute === undefined ? '–' : formatRate(r.slopeMiBPerMinute), 'num');
    // where the fitted part starts: after the last restart, or where the current rate began
    const since = r.fitFromSeconds !== undefined && r.verdict !== 'no-data' ? ` since ${new Date(r.fitFromSeconds * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}` : '';
    cell(tr, `${formatFit(r.r2)}${since}`);
    cell(tr, r.verdict === 'no-data' ? '–' : formatTimeToLimit(r.secondsToLimit, r.limitBytes), 'projection');
    cell(tr, r.oomKills > 0 ? `${r.restarts} (${r.oomKills} OOM)` : String(r.restarts), 'num');
    cell(tr, r.verdictText, 'verdict');
  }
  container.replaceChildren(table);
}
