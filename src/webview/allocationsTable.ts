import { defaultSort, filterRows, formatCountdown, SORT_KEYS, sortRows, summaryLine, type SortKey } from './allocationsFormat.ts';
import { groupsTable } from './allocationGroups.ts';
import { COLUMNS, el, siteRow, tracebackRow } from './allocationSiteRow.ts';
import type { AllocationRow, AllocationsStatus, AllocationsView } from './protocol.ts';
import { post } from './vscodeApi.ts';

// The allocations part of the panel: a capture under way, its failure, nothing yet, or the table
// of sites. Sort, filter, open rows and the library group are the page's own; a new report
// starts them afresh, the same report sent again (a re-hydrate) keeps them.

const SORT_COLUMN: Record<SortKey, (typeof COLUMNS)[number]> = { growth: 'Growth', size: 'Size', count: 'Count' };

function findLeaksButton(text: string): HTMLButtonElement {
  const b = el('button', 'find-leaks', text);
  b.type = 'button';
  b.id = 'find-leaks';
  b.addEventListener('click', () => post({ type: 'findLeaks' }));
  return b;
}

export class AllocationsTable {
  private readonly container: HTMLElement;
  private view: AllocationsView | undefined;
  private sort: SortKey = 'growth';
  private filter = '';
  private readonly expanded = new Set<number>();
  private libraryOpen = false;
  private countdown: ReturnType<typeof setInterval> | undefined;
  /** Where the rows go; replaced on each sort or filter, the controls above it stay (and keep focus). */
  private rowsBox: HTMLElement | undefined;
  private sortButtons: HTMLButtonElement[] = [];
  private shownCount: HTMLElement | undefined;

  constructor(container: HTMLElement) {
    this.container = container;
    // a heap file dropped here (shift-drag from the explorer or the desktop) is read by the host
    container.addEventListener('dragover', (e) => e.preventDefault());
    container.addEventListener('drop', (e) => {
      e.preventDefault();
      const list = e.dataTransfer?.getData('application/vnd.code.uri-list') || e.dataTransfer?.getData('text/uri-list') || '';
      const uris = list.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
      if (uris.length) post({ type: 'openHeapFile', uris });
    });
  }

  update(status: AllocationsStatus): void {
    clearInterval(this.countdown);
    this.countdown = undefined;
    this.container.dataset['status'] = status.kind;
    switch (status.kind) {
      case 'none':
        this.view = undefined;
        this.container.replaceChildren(
          el('p', 'alloc-status', 'No allocations captured for these pods yet. A capture attaches to the live process and shows which lines of code hold the memory that grows.'),
          findLeaksButton('Find Leaking Lines'),
        );
        return;
      case 'capturing': {
        this.view = undefined;
        const left = el('span', 'countdown');
        const message = el('p', 'alloc-status', `${status.title}: ${status.message} `);
        message.setAttribute('role', 'status');
        message.append(left);
        this.container.replaceChildren(message);
        const endsAt = status.endsAt;
        if (endsAt === undefined) return;
        const tick = () => (left.textContent = formatCountdown(endsAt, Date.now()));
        tick();
        this.countdown = setInterval(tick, 1000);
        return;
      }
      case 'error': {
        this.view = undefined;
        const parts: HTMLElement[] = [el('p', 'alloc-status error', `${status.title}: ${status.message}`)];
        if (status.hint) parts.push(el('p', 'alloc-hint', status.hint));
        parts.push(findLeaksButton('Try Again'));
        this.container.replaceChildren(...parts);
        return;
      }
      case 'ready':
        if (!this.view || this.view.takenAt !== status.view.takenAt || this.view.title !== status.view.title) {
          this.sort = defaultSort(status.view);
          this.filter = '';
          this.expanded.clear();
          this.libraryOpen = false;
        }
        this.view = status.view;
        this.renderReady(status.view);
        return;
    }
  }

  private renderReady(view: AllocationsView): void {
    const head = el('div', 'alloc-head');
    const save = el('button', 'save-report', 'Save Report');
    save.type = 'button';
    save.id = 'save-report';
    save.title = 'Write this report as JSON, for the post-incident analysis';
    save.addEventListener('click', () => post({ type: 'saveReport' }));
    head.append(el('h2', 'alloc-title', view.title), save);
    const summary = el('p', 'alloc-summary', summaryLine(view, (ms) => new Date(ms).toLocaleTimeString()));
    const notes = el('ul', 'alloc-notes');
    notes.append(...view.notes.map((n) => el('li', undefined, n)));
    this.rowsBox = el('div', 'alloc-rows');
    const groups = view.groups?.length ? [groupsTable(view.groups)] : [];
    this.container.replaceChildren(head, summary, ...(view.notes.length > 0 ? [notes] : []), this.controls(), this.rowsBox, ...groups);
    this.renderRows();
  }

  private controls(): HTMLElement {
    const box = el('div', 'alloc-controls');
    const sorts = el('div', 'alloc-sort');
    sorts.setAttribute('role', 'group');
    sorts.setAttribute('aria-label', 'Sort by');
    sorts.append(el('span', 'alloc-label', 'Sort by'));
    this.sortButtons = SORT_KEYS.map(({ key, label }) => {
      const b = el('button', 'sort', label);
      b.type = 'button';
      b.dataset['sort'] = key;
      b.addEventListener('click', () => {
        this.sort = key;
        this.renderRows();
      });
      return b;
    });
    sorts.append(...this.sortButtons);
    const filter = el('input', 'alloc-filter');
    filter.type = 'search';
    filter.id = 'alloc-filter';
    filter.placeholder = 'Filter: file, function or code';
    filter.setAttribute('aria-label', 'Filter the sites by file, function or source line');
    filter.value = this.filter;
    filter.addEventListener('input', () => {
      this.filter = filter.value;
      this.renderRows();
    });
    this.shownCount = el('span', 'alloc-count');
    box.append(sorts, filter, this.shownCount);
    return box;
  }

  private renderRows(): void {
    const view = this.view;
    const box = this.rowsBox;
    if (!view || !box) return;
    for (const b of this.sortButtons) {
      const on = b.dataset['sort'] === this.sort;
      b.classList.toggle('selected', on);
      b.setAttribute('aria-pressed', String(on));
    }
    const rows = sortRows(filterRows(view.rows, this.filter), this.sort);
    if (this.shownCount) this.shownCount.textContent = rows.length === view.rows.length ? `${rows.length} sites` : `${rows.length} of ${view.rows.length} sites`;
    const own = rows.filter((r) => !r.library);
    const library = rows.filter((r) => r.library);
    const parts: HTMLElement[] = [];
    if (rows.length === 0) {
      const none = view.rows.length === 0 ? (view.measure === 'growth' ? 'No site grew in the window.' : 'The capture found no allocation sites.') : 'No site matches the filter.';
      parts.push(el('p', 'alloc-empty', none));
    }
    if (own.length > 0) parts.push(this.table(own));
    else if (rows.length > 0) parts.push(el('p', 'alloc-empty', 'None of these sites is in your own code: see the library group.'));
    if (library.length > 0) {
      const group = el('details', 'alloc-library');
      group.open = this.libraryOpen;
      group.addEventListener('toggle', () => (this.libraryOpen = group.open));
      group.append(el('summary', undefined, `Standard library and packages (${library.length} site${library.length === 1 ? '' : 's'})`), this.table(library));
      parts.push(group);
    }
    box.replaceChildren(...parts);
  }

  private table(rows: readonly AllocationRow[]): HTMLTableElement {
    // Python's tracemalloc names no functions: no column of dashes then
    const table = el('table', rows.some((r) => r.functionName) ? 'alloc-table' : 'alloc-table no-functions');
    const head = table.createTHead().insertRow();
    for (const name of COLUMNS) {
      const th = el('th', name === 'Location' ? undefined : name === 'Function' ? 'function' : 'num', name);
      th.scope = 'col';
      if (name === SORT_COLUMN[this.sort]) th.setAttribute('aria-sort', 'descending');
      head.append(th);
    }
    const body = table.createTBody();
    for (const row of rows) {
      let traceback: HTMLTableRowElement | undefined;
      const toggle = () => {
        const open = !this.expanded.has(row.id);
        if (open) this.expanded.add(row.id);
        else this.expanded.delete(row.id);
        const b = tr.querySelector<HTMLButtonElement>('button.site-toggle');
        b?.setAttribute('aria-expanded', String(open));
        if (b) b.textContent = open ? '▾' : '▸';
        traceback?.remove();
        traceback = open ? tracebackRow(tr, row) : undefined;
      };
      const tr = siteRow(body, row, this.expanded.has(row.id), toggle);
      if (this.expanded.has(row.id)) traceback = tracebackRow(tr, row);
    }
    return table;
  }
}
