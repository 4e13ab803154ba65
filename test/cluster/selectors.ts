// Label and field selectors with the grammar the API server accepts:
// labels: k=v, k==v, k!=v, k in (a,b), k notin (a,b), k, !k; fields: k=v, k==v, k!=v.
import { badRequest } from './status.ts';

type Requirement =
  | { op: 'eq' | 'neq'; key: string; value: string }
  | { op: 'in' | 'notin'; key: string; values: string[] }
  | { op: 'exists' | 'notexists'; key: string };

export type Selector = (labels: Record<string, string> | undefined) => boolean;

/** Splits at commas that are not inside parentheses. */
function splitTerms(text: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      terms.push(current);
      current = '';
    } else current += ch;
  }
  terms.push(current);
  return terms.map((t) => t.trim()).filter((t) => t.length > 0);
}

const keyPattern = /^([a-z0-9A-Z.\-_/]+)$/;

function parseTerm(term: string): Requirement {
  let m = /^(\S+?)\s+(in|notin)\s*\((.*)\)$/.exec(term);
  if (m) return { op: m[2] as 'in' | 'notin', key: m[1], values: m[3].split(',').map((v) => v.trim()).filter((v) => v !== '') };
  m = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(term);
  if (m) return { op: m[2] === '!=' ? 'neq' : 'eq', key: m[1], value: m[3] };
  m = /^!\s*(\S+)$/.exec(term);
  if (m && keyPattern.test(m[1])) return { op: 'notexists', key: m[1] };
  if (keyPattern.test(term)) return { op: 'exists', key: term };
  throw badRequest(`unable to parse requirement: found '${term}', expected: identifier`);
}

function matches(req: Requirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, req.key);
  const value = labels[req.key];
  switch (req.op) {
    case 'eq': return has && value === req.value;
    case 'neq': return !has || value !== req.value;
    case 'in': return has && req.values.includes(value);
    case 'notin': return !has || !req.values.includes(value);
    case 'exists': return has;
    case 'notexists': return !has;
  }
}

export function parseLabelSelector(text: string | null | undefined): Selector {
  if (!text) return () => true;
  const reqs = splitTerms(text).map(parseTerm);
  return (labels) => reqs.every((r) => matches(r, labels ?? {}));
}

/** A matchLabels map as the selector string kubectl and Scale.status.selector use. */
export function formatMatchLabels(labels: Record<string, string>): string {
  return Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join(',');
}

export function matchLabels(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

/** Field paths the server supports per resource; others are rejected like the real server does. */
const supportedFields: Record<string, string[]> = {
  pods: ['metadata.name', 'metadata.namespace', 'status.phase', 'spec.nodeName', 'spec.restartPolicy', 'status.podIP'],
  events: ['metadata.name', 'metadata.namespace', 'involvedObject.kind', 'involvedObject.name', 'involvedObject.namespace', 'involvedObject.uid', 'reason', 'type', 'source'],
};

function fieldValue(obj: Record<string, any>, path: string): string {
  let cur: any = obj;
  for (const part of path.split('.')) cur = cur?.[part];
  return cur === undefined || cur === null ? '' : String(cur);
}

export type FieldSelector = (obj: Record<string, any>) => boolean;

export function parseFieldSelector(text: string | null | undefined, resource: string, kind: string): FieldSelector {
  if (!text) return () => true;
  const allowed = supportedFields[resource] ?? ['metadata.name', 'metadata.namespace'];
  const reqs = splitTerms(text).map((term) => {
    const m = /^([^=!\s]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!m) throw badRequest(`invalid selector: '${text}'; can't understand '${term}'`);
    if (!allowed.includes(m[1])) throw badRequest(`field label not supported: ${m[1]}`);
    return { key: m[1], neq: m[2] === '!=', value: m[3] };
  });
  void kind;
  return (obj) => reqs.every((r) => (fieldValue(obj, r.key) === r.value) !== r.neq);
}

/** The name a field selector pins, if any (watches of one object use metadata.name=X). */
export function pinnedName(text: string | null | undefined): string | undefined {
  if (!text) return undefined;
  const m = /(?:^|,)metadata\.name==?([^,]+)/.exec(text);
  return m ? m[1] : undefined;
}
