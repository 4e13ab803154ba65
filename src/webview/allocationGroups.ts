import { formatBytes } from '../triage/trendFormat.ts';
import type { AllocationGroup } from '../triage/model.ts';
import { formatCount, formatSignedBytes } from './allocationsFormat.ts';
import { el } from './allocationSiteRow.ts';

// A heap file's objects by constructor (V8) or type (Go): count, self and retained size, and the
// growth when two snapshots were compared. Text only (textContent): names come from the file.

export function groupsTable(groups: readonly AllocationGroup[]): HTMLElement {
  const growth = groups.some((g) => g.growthBytes !== undefined);
  const box = el('section', 'alloc-groups');
  box.append(el('h3', undefined, 'By constructor'));
  const table = el('table', 'alloc-group-table');
  const head = el('tr');
  for (const h of ['Constructor', 'Count', 'Self size', 'Retained size', ...(growth ? ['Growth'] : [])]) head.append(el('th', undefined, h));
  table.append(head);
  for (const g of groups) {
    const tr = el('tr');
    tr.append(el('td', 'group-name', g.name));
    for (const text of [formatCount(g.count), formatBytes(g.selfBytes), g.retainedBytes === undefined ? '—' : formatBytes(g.retainedBytes), ...(growth ? [formatSignedBytes(g.growthBytes)] : [])]) {
      tr.append(el('td', 'num', text));
    }
    table.append(tr);
  }
  box.append(table);
  return box;
}
