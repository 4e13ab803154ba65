import { formatCountdown } from './allocationsFormat.ts';
import { el } from './allocationSiteRow.ts';
import { checkSummary, formatCount, formatOutFor, formatOverflow, formatTimeout, trendLine, VERDICT_WORDS } from './poolFormat.ts';
import type { PoolCheckView, PoolStatus, PoolView } from './protocol.ts';
import { post } from './vscodeApi.ts';

// The connections part of the panel (step 4): a check under way, its failure, nothing yet, or
// the verdict with each check's pools and sockets. Every text is data from a process or a socket
// table in the cluster: set through textContent, never parsed as markup.

const POOL_COLUMNS = ['Found at', 'Class', 'Size', 'Checked in', 'Checked out', 'Overflow/max', 'Timeout', 'Out for'] as const;
const SOCKET_COLUMNS = ['Remote', 'Port', 'Service', 'State', 'Count'] as const;
const NUMERIC = new Set<string>(['Size', 'Checked in', 'Checked out', 'Overflow/max', 'Timeout', 'Port', 'Count']);

function checkButton(text: string): HTMLButtonElement {
  const b = el('button', 'check-db', text);
  b.type = 'button';
  b.id = 'check-db';
  b.addEventListener('click', () => post({ type: 'checkDb' }));
  return b;
}

function table(className: string, columns: readonly string[], rows: readonly (readonly string[])[]): HTMLTableElement {
  const t = el('table', className);
  const head = t.createTHead().insertRow();
  for (const name of columns) {
    const th = el('th', NUMERIC.has(name) ? 'num' : undefined, name);
    th.scope = 'col';
    head.append(th);
  }
  const body = t.createTBody();
  for (const cells of rows) {
    const tr = body.insertRow();
    cells.forEach((text, i) => {
      const td = tr.insertCell();
      td.textContent = text;
      if (NUMERIC.has(columns[i]!)) td.className = 'num';
    });
  }
  return t;
}

function checkPart(check: PoolCheckView, index: number, time: (ms: number) => string): HTMLElement {
  const box = el('section', 'pool-check');
  box.append(el('h3', 'pool-check-title', `Check ${index + 1} · ${time(check.at)}`), el('p', 'pool-summary', checkSummary(check.pools, check.sockets)));
  if (check.problems.length > 0) {
    const problems = el('ul', 'pool-problems');
    problems.append(...check.problems.map((p) => el('li', undefined, p)));
    box.append(problems);
  }
  if (check.pools.length > 0) {
    const rows = check.pools.map((p) => [p.url ? `${p.foundAt} (${p.url})` : p.foundAt, p.poolClass, formatCount(p.size), formatCount(p.checkedIn), formatCount(p.checkedOut), formatOverflow(p), formatTimeout(p), formatOutFor(p.outForSeconds)]);
    box.append(table('pool-table', POOL_COLUMNS, rows));
  }
  if (check.sockets.length > 0) {
    const rows = check.sockets.map((s) => [s.remoteAddress, String(s.remotePort), s.service ?? '—', s.state, formatCount(s.count)]);
    box.append(table('socket-table', SOCKET_COLUMNS, rows));
    if (check.socketsLeftOut > 0) box.append(el('p', 'pool-note', `${formatCount(check.socketsLeftOut)} more socket groups not shown.`));
  } else {
    box.append(el('p', 'pool-note', 'No TCP socket in the pod\'s table.'));
  }
  return box;
}

export class PoolTable {
  private readonly container: HTMLElement;
  private countdown: ReturnType<typeof setInterval> | undefined;

  constructor(container: HTMLElement) {
    this.container = container;
  }

  update(status: PoolStatus): void {
    clearInterval(this.countdown);
    this.countdown = undefined;
    this.container.dataset['status'] = status.kind;
    switch (status.kind) {
      case 'none':
        this.container.replaceChildren(
          el('p', 'pool-status', 'No database check for these pods yet. A check reads the connection pool inside the live process and the pod\'s sockets, twice a window apart.'),
          checkButton('Check DB Connections'),
        );
        return;
      case 'checking': {
        const left = el('span', 'countdown');
        const message = el('p', 'pool-status', `${status.title}: ${status.message} `);
        message.setAttribute('role', 'status');
        message.append(left);
        this.container.replaceChildren(message);
        const endsAt = status.endsAt;
        if (endsAt === undefined) return;
        const tick = () => (left.textContent = formatCountdown(endsAt, Date.now()).replace('reading the snapshot…', 'checking again…'));
        tick();
        this.countdown = setInterval(tick, 1000);
        return;
      }
      case 'error': {
        const parts: HTMLElement[] = [el('p', 'pool-status error', `${status.title}: ${status.message}`)];
        if (status.hint) parts.push(el('p', 'pool-hint', status.hint));
        parts.push(checkButton('Try Again'));
        this.container.replaceChildren(...parts);
        return;
      }
      case 'ready':
        this.renderReady(status.view);
        return;
    }
  }

  private renderReady(view: PoolView): void {
    const time = (ms: number) => new Date(ms).toLocaleTimeString();
    const head = el('div', 'pool-head');
    head.append(el('h2', 'pool-title', view.title), checkButton('Check Again'));
    const verdict = el('p', 'pool-verdict');
    verdict.id = 'pool-verdict';
    verdict.dataset['verdict'] = view.verdict.kind;
    verdict.append(el('span', 'verdict-badge', VERDICT_WORDS[view.verdict.kind] ?? VERDICT_WORDS.unknown), document.createTextNode(` ${view.verdict.text}`));
    const parts: HTMLElement[] = [head, verdict];
    const trend = trendLine(view.checks);
    if (trend) parts.push(el('p', 'pool-trend', trend));
    parts.push(el('p', 'pool-method', `How: ${view.method}${view.pid !== undefined ? ` (PID ${view.pid} in the container)` : ''}`));
    parts.push(...view.checks.map((c, i) => checkPart(c, i, time)));
    this.container.replaceChildren(...parts);
  }
}
