import { ago, esc } from './describe.ts';
import { formatBytes } from './quantity.ts';

// Kubernetes events and the node's memory state as the pod's tooltip and the Show Events
// document say them. Pure, so the exact words are tested.

export interface KubeEvent {
  readonly reason: string;
  readonly message: string;
  /** Normal or Warning. */
  readonly type: string;
  readonly count: number;
  readonly first?: Date;
  readonly last?: Date;
  /** "Pod/api-1", "Node/worker-2". */
  readonly object: string;
  /** spec.containers{api}, when the event is about one container. */
  readonly fieldPath?: string;
  /** kubelet, kernel-monitor, default-scheduler... */
  readonly source: string;
}

export interface NodeMemory {
  readonly name: string;
  readonly allocatableBytes?: number;
  readonly capacityBytes?: number;
  readonly memoryPressure?: { readonly status: string; readonly reason?: string; readonly message?: string; readonly since?: Date };
  /** Why nothing else is known (RBAC 403, ...). */
  readonly note?: string;
}

/** "3 × over 12m", like kubectl's "(x3 over 12m)"; empty for a single occurrence. */
function repeats(e: KubeEvent, now: Date): string {
  if (e.count <= 1) return '';
  return e.first ? `×${e.count} over ${ago(e.first, now).replace(/ ago$/, '')}` : `×${e.count}`;
}

const stamp = (d: Date | undefined) => (d ? d.toISOString().replace(/\.\d+Z$/, 'Z') : 'time unknown       ');

/** The read-only document: one line per event, newest first, then where each came from. */
export function eventsDocument(title: string, events: readonly KubeEvent[], now: Date, notes: readonly string[] = []): string {
  const lines = [`# ${title}: events, newest first (read ${stamp(now)})`];
  for (const n of notes) lines.push(`# ${n}`);
  lines.push('');
  if (events.length === 0) lines.push('(no events: the API server keeps them for an hour by default)');
  for (const e of events) {
    const times = repeats(e, now);
    const where = e.fieldPath ? `${e.object} ${e.fieldPath}` : e.object;
    lines.push(`${stamp(e.last)}  ${e.type.padEnd(7)}  ${e.reason}  ${where}${e.source ? ` (${e.source})` : ''}${times ? `  ${times}` : ''}`);
    lines.push(`    ${e.message.replace(/\s*\n\s*/g, ' ')}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The tooltip's part: the node's memory state, then the last few events, escaped Markdown. */
export function eventsTooltip(events: readonly KubeEvent[], node: NodeMemory | undefined, now: Date, shown = 5, notes: readonly string[] = []): string {
  const lines: string[] = [];
  if (node) lines.push(nodeLine(node, now));
  const last = events.slice(0, shown);
  lines.push('', last.length ? `**Events** (newest ${last.length} of ${events.length}; Show Events for all):` : 'No events for this pod or memory events on its node.');
  for (const e of last) {
    const times = repeats(e, now);
    const warn = e.type === 'Warning' ? '⚠ ' : '';
    const when = e.last ? ago(e.last, now) : 'time unknown';
    lines.push(`- ${warn}${esc(when)} **${esc(e.reason)}**${e.object.startsWith('Node/') ? ' (node)' : ''}${times ? ` ${esc(times)}` : ''}: ${esc(shorten(e.message))}`);
  }
  for (const n of notes) lines.push('', `_${esc(n)}_`);
  return lines.join('\n');
}

export function nodeLine(node: NodeMemory, now: Date): string {
  const name = `Node ${esc(node.name)}`;
  if (node.note && !node.memoryPressure && node.allocatableBytes === undefined) return `${name}: ${esc(node.note)}`;
  const p = node.memoryPressure;
  const pressure = !p ? 'MemoryPressure unknown' : p.status === 'True' ? `**MemoryPressure** since ${p.since ? esc(ago(p.since, now)) : '?'}${p.message ? ` (${esc(p.message)})` : ''}` : `MemoryPressure ${esc(p.status)}`;
  const alloc = node.allocatableBytes === undefined ? 'allocatable memory unknown' : `allocatable ${formatBytes(node.allocatableBytes)}${node.capacityBytes ? ` of ${formatBytes(node.capacityBytes)}` : ''}`;
  return `${name}: ${pressure} · ${alloc}`;
}

function shorten(text: string, max = 160): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}
