import { formatBytes } from '../triage/trendFormat.ts';
import { formatCount, formatPerMinute, formatShare, formatSignedBytes, locationText } from './allocationsFormat.ts';
import type { AllocationRow, FrameRow } from './protocol.ts';
import { post } from './vscodeApi.ts';

// One allocation site as table rows: the site itself and, when expanded, its traceback. Every
// text is data from a process in the cluster: set through textContent, never parsed as markup.

export const COLUMNS = ['Location', 'Function', 'Growth/min', 'Growth', 'Size', 'Count', 'Share'] as const;

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

function button(className: string, text: string, onClick: () => void, title?: string): HTMLButtonElement {
  const b = el('button', className, text);
  b.type = 'button';
  if (title) b.title = title;
  b.addEventListener('click', onClick);
  return b;
}

function numCell(tr: HTMLTableRowElement, text: string, title?: string): void {
  const td = tr.insertCell();
  td.className = 'num';
  td.textContent = text;
  if (title) td.title = title;
}

/** The mapping's state in words, for a site that cannot be opened as it is. */
function locationState(row: AllocationRow): HTMLElement | undefined {
  const location = row.location;
  if (location.kind === 'mapped') return undefined;
  const text = location.kind === 'ambiguous' ? `ambiguous: ${location.candidates.length} workspace files match` : 'not found in the workspace';
  const state = el('span', `site-state ${location.kind}`, text);
  if (location.kind === 'ambiguous') state.title = location.candidates.join('\n');
  return state;
}

function locationCell(tr: HTMLTableRowElement, row: AllocationRow, expanded: boolean, onToggle: () => void): void {
  const td = tr.insertCell();
  td.className = 'location';
  const line = el('div', 'site-line');
  if (row.traceback.length > 0) {
    const toggle = button('site-toggle', expanded ? '▾' : '▸', onToggle, 'Show the traceback');
    toggle.setAttribute('aria-expanded', String(expanded));
    toggle.setAttribute('aria-label', `Traceback of ${locationText(row)} (${row.traceback.length} frames)`);
    line.append(toggle);
  } else {
    // keeps the locations of rows with and without a traceback in one column
    const space = el('span', 'site-toggle space', '▸');
    space.setAttribute('aria-hidden', 'true');
    line.append(space);
  }
  const where = row.location.kind === 'mapped' ? `Open ${row.location.label} at line ${row.line} (${row.file} in the container)` : `${row.file} in the container`;
  line.append(button('site-open', locationText(row), () => post({ type: 'openSite', id: row.id }), where));
  const state = locationState(row);
  if (state) line.append(state, button('site-map', 'Map path…', () => post({ type: 'mapPath', id: row.id }), 'Say where this container path is in the workspace'));
  td.append(line);
  if (row.code) td.append(el('code', 'site-code', row.code));
}

export function siteRow(body: HTMLTableSectionElement, row: AllocationRow, expanded: boolean, onToggle: () => void): HTMLTableRowElement {
  const tr = body.insertRow();
  tr.className = row.library ? 'site library' : 'site';
  tr.dataset['id'] = String(row.id);
  locationCell(tr, row, expanded, onToggle);
  const fn = tr.insertCell();
  fn.className = 'function';
  fn.textContent = row.functionName ?? '–';
  numCell(tr, formatPerMinute(row.growthPerMinute));
  numCell(tr, formatSignedBytes(row.growthBytes));
  numCell(tr, formatBytes(row.bytes));
  numCell(tr, formatCount(row.count), row.growthCount !== undefined ? `${formatCount(row.growthCount)} blocks added in the window` : undefined);
  numCell(tr, formatShare(row.share));
  return tr;
}

function frameText(f: FrameRow): string {
  return f.functionName ? `${f.file}:${f.line} in ${f.functionName}` : `${f.file}:${f.line}`;
}

/** The traceback under its site, innermost frame first, each frame a way to its line. */
export function tracebackRow(after: HTMLTableRowElement, row: AllocationRow): HTMLTableRowElement {
  const tr = document.createElement('tr');
  tr.className = 'traceback';
  tr.dataset['for'] = String(row.id);
  const td = tr.insertCell();
  td.colSpan = COLUMNS.length;
  const list = el('ol', 'frames');
  list.setAttribute('aria-label', 'Traceback, innermost frame first');
  row.traceback.forEach((f, frame) => {
    const item = el('li', f.library ? 'frame library' : 'frame');
    item.append(button('frame-open', frameText(f), () => post({ type: 'openSite', id: row.id, frame })));
    list.append(item);
  });
  td.append(list);
  after.after(tr);
  return tr;
}
