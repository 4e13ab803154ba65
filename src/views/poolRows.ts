// A PoolReport as the connections part, the tree row and its tooltip show it. The figures came
// from a process and a socket table in the pod: numbers are kept only when finite and not
// negative, strings are cut short, and every list is bounded before it reaches the page.
// No vscode import.
import type { PoolCheck, PoolFigures, PoolReport, SocketGroup } from '../triage/model.ts';
import type { PoolCheckView, PoolView } from '../webview/protocol.ts';
import { checkedOutText, poolLine, socketLine, VERDICT_WORDS } from '../webview/poolFormat.ts';

export const MAX_CHECKS = 10;
export const MAX_POOLS = 50;
/** A pod with thousands of client sockets still shows the busiest groups, database ports first. */
export const MAX_SOCKET_GROUPS = 200;
export const MAX_OUT_FOR = 1000;
export const MAX_PROBLEMS = 20;
const MAX_TEXT = 300;

const count = (n: number | undefined): number | undefined => (typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : undefined);
const text = (s: string | undefined): string | undefined => (typeof s === 'string' ? (s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT - 1)}…` : s) : undefined);

function pool(p: PoolFigures): PoolFigures {
  const maxOverflow = typeof p.maxOverflow === 'number' && Number.isFinite(p.maxOverflow) ? p.maxOverflow : undefined;
  return {
    foundAt: text(p.foundAt) ?? '?',
    url: text(p.url),
    poolClass: text(p.poolClass) ?? '?',
    size: count(p.size),
    checkedIn: count(p.checkedIn),
    checkedOut: count(p.checkedOut),
    // QueuePool's overflow() is negative while the pool has not filled to its size
    overflow: typeof p.overflow === 'number' && Number.isFinite(p.overflow) ? p.overflow : undefined,
    maxOverflow,
    timeoutSeconds: count(p.timeoutSeconds),
    outForSeconds: p.outForSeconds?.slice(0, MAX_OUT_FOR).map(count).filter((n): n is number => n !== undefined),
  };
}

function socket(s: SocketGroup): SocketGroup | undefined {
  const port = count(s.remotePort);
  const n = count(s.count);
  if (port === undefined || n === undefined) return undefined;
  return { remoteAddress: text(s.remoteAddress) ?? '?', remotePort: port, state: text(s.state) ?? '?', count: n, service: text(s.service) };
}

/** Database ports first, then the busiest groups. */
function socketOrder(a: SocketGroup, b: SocketGroup): number {
  return Number(b.service !== undefined) - Number(a.service !== undefined) || b.count - a.count || a.remotePort - b.remotePort;
}

function checkView(check: PoolCheck): PoolCheckView {
  const sockets = check.sockets.map(socket).filter((s): s is SocketGroup => s !== undefined).sort(socketOrder);
  return {
    at: check.at.getTime(),
    pools: check.pools.slice(0, MAX_POOLS).map(pool),
    sockets: sockets.slice(0, MAX_SOCKET_GROUPS),
    socketsLeftOut: Math.max(0, sockets.length - MAX_SOCKET_GROUPS),
    problems: check.problems.slice(0, MAX_PROBLEMS).map((p) => text(p) ?? ''),
  };
}

export function poolView(report: PoolReport, title: string): PoolView {
  return {
    title,
    pid: count(report.pid),
    verdict: { kind: report.verdict.kind, text: text(report.verdict.text) ?? '' },
    method: text(report.method) ?? '',
    // the latest checks when a producer sends more than fit
    checks: report.checks.slice(-MAX_CHECKS).map(checkView),
  };
}

/** The tree row under the pod: "9/15 checked out · leaking". */
export function poolDescription(report: PoolReport): string {
  const last = report.checks.at(-1);
  const figures = last ? checkedOutText(last.pools.slice(0, MAX_POOLS).map(pool), last.sockets.map(socket).filter((s): s is SocketGroup => s !== undefined)) : undefined;
  const word = VERDICT_WORDS[report.verdict.kind] ?? VERDICT_WORDS.unknown;
  return figures ? `${figures} · ${word}` : word;
}

/** The row's tooltip: the verdict, the latest figures, when it was checked and how. */
export function poolTooltip(report: PoolReport, time: (at: Date) => string = (at) => at.toLocaleTimeString()): string {
  const view = poolView(report, '');
  const last = view.checks.at(-1);
  const lines = [`Database connections of ${report.pod.name} / ${report.container}: ${view.verdict.text}`];
  if (last) {
    lines.push(...last.pools.slice(0, 5).map(poolLine));
    if (last.pools.length > 5) lines.push(`and ${last.pools.length - 5} more pools`);
    const db = last.sockets.filter((s) => s.service !== undefined);
    lines.push(...db.slice(0, 5).map(socketLine));
    const others = last.sockets.filter((s) => s.service === undefined).reduce((sum, s) => sum + s.count, 0);
    if (others > 0) lines.push(`${others} other socket${others === 1 ? '' : 's'}`);
    lines.push(...last.problems);
  }
  if (report.checks.length > 0) lines.push(`Checked at ${report.checks.map((c) => time(c.at)).join(', ')}`);
  if (view.method) lines.push(`How: ${view.method}`);
  return lines.join('\n');
}
