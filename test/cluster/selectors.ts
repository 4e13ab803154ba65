// Label and field selectors as kube-apiserver 1.33 parses them (apimachinery v0.33 labels.Parse,
// fields.ParseSelector and the per-kind field label conversions): the same grammar, the same key and
// value syntax and the same error text, so what a real cluster rejects with 400 is rejected here too.
import { invalidValue, labelValueErrors, qualifiedNameErrors } from './nameSyntax.ts';
import { badRequest } from './status.ts';

// ---- Label selectors: labels.Parse's lexer and recursive-descent parser ----

type Op = 'in' | 'notin' | '=' | '==' | '!=' | '>' | '<' | 'exists' | '!';
interface Requirement { key: string; op: Op; values: string[] }
type Tok = 'end' | ')' | ',' | '!' | '==' | '=' | '>' | 'id' | 'in' | '<' | '!=' | 'notin' | '(';
interface Item { tok: Tok; lit: string }

const tokens: Record<string, Tok> = { ')': ')', ',': ',', '!': '!', '==': '==', '=': '=', '>': '>', in: 'in', '<': '<', '!=': '!=', notin: 'notin', '(': '(' };
const tokenOf = (text: string): Tok | undefined => (Object.hasOwn(tokens, text) ? tokens[text] : undefined);
const special = new Set(['=', '!', '(', ')', ',', '>', '<']);
const space = new Set([' ', '\t', '\r', '\n']);

function lex(s: string): Item[] {
  const items: Item[] = [];
  let pos = 0;
  for (;;) {
    while (pos < s.length && space.has(s[pos])) pos++;
    if (pos >= s.length) return [...items, { tok: 'end', lit: '' }];
    let buf = '';
    if (special.has(s[pos])) {
      // The longest run of symbols that is still an operator ("!=", "=="), as scanSpecialSymbol reads it.
      let last: Item | undefined;
      while (pos < s.length && special.has(s[pos]) && (tokenOf(buf + s[pos]) || !last)) {
        buf += s[pos++];
        const tok = tokenOf(buf);
        if (tok) last = { tok, lit: buf };
      }
      items.push(last!);
    } else {
      while (pos < s.length && !special.has(s[pos]) && !space.has(s[pos])) buf += s[pos++];
      items.push({ tok: tokenOf(buf) ?? 'id', lit: buf });
    }
  }
}

const binaryOperators = 'in, notin, =, ==, !=, >, <';
const isInt = (v: string) => /^[+-]?\d+$/.test(v) && BigInt(v) >= -(2n ** 63n) && BigInt(v) < 2n ** 63n;
const fail = (message: string) => { throw badRequest(message); };

function parseLabels(selector: string): Requirement[] {
  const items = lex(selector);
  let at = 0;
  // In value position "in" and "notin" are plain identifiers ("x in (in)").
  const look = (values = true): Item => (values && (items[at].tok === 'in' || items[at].tok === 'notin') ? { ...items[at], tok: 'id' } : items[at]);
  const next = (values = true): Item => { const it = look(values); at++; return it; };
  const unable = (m: string) => fail(`unable to parse requirement: ${m}`);

  const requirement = (): Requirement => {
    let t = next();
    const negated = t.tok === '!';
    if (negated) t = next();
    if (t.tok !== 'id') unable(`found '${t.lit}', expected: identifier`);
    const keyErrs = qualifiedNameErrors(t.lit);
    if (keyErrs.length) unable(invalidValue('<nil>', t.lit, keyErrs.join('; ')));
    const key = t.lit;
    if (negated) return { key, op: '!', values: [] };
    if (look().tok === 'end' || look().tok === ',') return { key, op: 'exists', values: [] };
    const o = next(false);
    if (!['in', 'notin', '=', '==', '!=', '>', '<'].includes(o.tok)) unable(`found '${o.lit}', expected: ${binaryOperators}`);
    const op = o.tok as Op;
    const values = op === 'in' || op === 'notin' ? valueSet() : exactValue();
    const errs: string[] = [];
    if ((op === '>' || op === '<') && !isInt(values[0])) errs.push(invalidValue('values[0]', values[0], "for 'Gt', 'Lt' operators, the value must be an integer"));
    values.forEach((v, i) => { const e = labelValueErrors(v); if (e.length) errs.push(invalidValue(`values[${i}][${key}]`, v, e.join('; '))); });
    if (errs.length) unable(errs.length === 1 ? errs[0] : `[${errs.join(', ')}]`);
    return { key, op, values };
  };
  const exactValue = (): string[] => {
    if (look().tok === 'end' || look().tok === ',') return [''];
    const t = next();
    return t.tok === 'id' ? [t.lit] : unable(`found '${t.lit}', expected: identifier`);
  };
  // "(a,,b)", "(,)" and "()" hold the empty value, as parseValues/parseIdentifiersList read them.
  const valueSet = (): string[] => {
    const open = next();
    if (open.tok !== '(') unable(`found '${open.lit}' expected: '('`);
    const first = look();
    if (first.tok === ')') { at++; return ['']; }
    if (first.tok !== 'id' && first.tok !== ',') unable(`found '${first.lit}', expected: ',', ')' or identifier`);
    const set = new Set<string>();
    for (;;) {
      const t = next();
      if (t.tok === 'id') {
        set.add(t.lit);
        const after = look();
        if (after.tok === ')') break;
        if (after.tok !== ',') unable(`found '${after.lit}', expected: ',' or ')'`);
      } else if (t.tok === ',') {
        if (set.size === 0) set.add('');
        if (look().tok === ')') { set.add(''); break; }
        if (look().tok === ',') set.add('');
      } else unable(`found '${t.lit}', expected: ',', or identifier`);
    }
    if (next().tok !== ')') unable(`found '${first.lit}', expected: ')'`);
    return [...set].sort();
  };

  const reqs: Requirement[] = [];
  for (;;) {
    const t = look();
    if (t.tok === 'end') return reqs;
    if (t.tok !== 'id' && t.tok !== '!') fail(`found '${t.lit}', expected: !, identifier, or 'end of string'`);
    reqs.push(requirement());
    const sep = next();
    if (sep.tok === 'end') return reqs;
    if (sep.tok !== ',') fail(`found '${sep.lit}', expected: ',' or 'end of string'`);
    const after = look();
    if (after.tok !== 'id' && after.tok !== '!') fail(`found '${after.lit}', expected: identifier after ','`);
  }
}

function matches(r: Requirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const value = labels[r.key];
  switch (r.op) {
    case 'in': case '=': case '==': return has && r.values.includes(value);
    case 'notin': case '!=': return !has || !r.values.includes(value);
    case 'exists': return has;
    case '!': return !has;
    case '>': case '<': {
      if (!has || !isInt(value)) return false;
      return r.op === '>' ? BigInt(value) > BigInt(r.values[0]) : BigInt(value) < BigInt(r.values[0]);
    }
  }
}

export type Selector = (labels: Record<string, string> | undefined) => boolean;

/** Parses a labelSelector; a malformed one throws the server's 400. */
export function parseLabelSelector(text: string | null | undefined): Selector {
  if (!text) return () => true;
  const reqs = parseLabels(text);
  return (labels) => reqs.every((r) => matches(r, labels ?? {}));
}

/** A matchLabels map as the selector string kubectl and Scale.status.selector use. */
export function formatMatchLabels(labels: Record<string, string>): string {
  return Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join(',');
}

export function matchLabels(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

// ---- Field selectors: fields.ParseSelector, then each kind's field label conversion ----

/** What each kind's selectable fields read from a stored object (the registries' ToSelectableFields). */
type FieldReader = (o: Record<string, any>) => string;
const read = (path: string): FieldReader => (o) => {
  let cur: any = o;
  for (const part of path.split('.')) cur = cur?.[part];
  return cur === undefined || cur === null ? '' : String(cur);
};
const meta = { 'metadata.name': read('metadata.name'), 'metadata.namespace': read('metadata.namespace') };
const notSupported = (label: string) => `field label not supported: ${label}`;

interface FieldRules { fields: Record<string, FieldReader>; reject: (label: string) => string }
/** Kinds without a conversion of their own get runtime.DefaultMetaV1FieldSelectorConversion. */
const defaultRules: FieldRules = { fields: meta, reject: (l) => `${JSON.stringify(l)} is not a known field selector: only "metadata.name", "metadata.namespace"` };

// pkg/apis/core/v1/conversion.go (labels accepted) + pkg/registry/core/*/strategy.go (values).
const rulesByResource: Record<string, FieldRules> = {
  pods: {
    reject: notSupported,
    fields: {
      ...meta, 'spec.nodeName': read('spec.nodeName'), 'spec.restartPolicy': read('spec.restartPolicy'),
      'spec.schedulerName': read('spec.schedulerName'), 'spec.serviceAccountName': read('spec.serviceAccountName'),
      'spec.hostNetwork': (p) => String(p.spec?.hostNetwork === true), 'status.phase': read('status.phase'),
      'status.podIP': (p) => p.status?.podIPs?.[0]?.ip ?? p.status?.podIP ?? '', 'status.nominatedNodeName': read('status.nominatedNodeName'),
      // Accepted by the conversion but not in the pod's field set: it matches only the empty value.
      'status.podIPs': () => '',
    },
  },
  namespaces: { reject: notSupported, fields: { 'metadata.name': read('metadata.name'), 'status.phase': read('status.phase') } },
  nodes: { reject: notSupported, fields: { 'metadata.name': read('metadata.name'), 'spec.unschedulable': (n) => String(n.spec?.unschedulable === true) } },
  services: { reject: notSupported, fields: { ...meta, 'spec.clusterIP': read('spec.clusterIP'), 'spec.type': read('spec.type') } },
  events: {
    reject: notSupported,
    fields: {
      ...meta, ...Object.fromEntries(['kind', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath'].map((f) => [`involvedObject.${f}`, read(`involvedObject.${f}`)])),
      reason: read('reason'), reportingComponent: read('reportingComponent'), source: read('source.component'), type: read('type'),
    },
  },
};

/** Splits at commas not escaped by a backslash (the backslash stays, for unescape). */
function splitFieldTerms(text: string): string[] {
  const terms: string[] = [];
  let start = 0;
  let escaped = false;
  for (let i = 0; i < text.length; i++) {
    if (escaped) escaped = false;
    else if (text[i] === '\\') escaped = true;
    else if (text[i] === ',') { terms.push(text.slice(start, i)); start = i + 1; }
  }
  return [...terms, text.slice(start)];
}

function unescapeFieldValue(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\') {
      const n = value[++i];
      if (n === undefined || !'\\,='.includes(n)) fail(`invalid field selector: invalid escape sequence: \\${n ?? ''}`);
      out += n;
    } else if (c === ',' || c === '=') fail(`invalid field selector: unescaped character in value: ${c.codePointAt(0)}`);
    else out += c;
  }
  return out;
}

export type FieldSelector = (obj: Record<string, any>) => boolean;

/**
 * Parses a fieldSelector for `resource` (the metrics.k8s.io kinds take the default rules): no
 * whitespace trimming, `=`/`==`/`!=`, backslash escapes; a label the kind does not convert is 400.
 */
export function parseFieldSelector(text: string | null | undefined, resource: string, group = ''): FieldSelector {
  if (!text) return () => true;
  const rules = (group === '' ? rulesByResource[resource] : undefined) ?? defaultRules;
  const terms = splitFieldTerms(text).sort().filter((t) => t !== '').map((term) => {
    const m = /^(.*?)(!=|==|=)(.*)$/s.exec(term);
    if (!m) return fail(`invalid selector: '${text}'; can't understand '${term}'`);
    // Old v1 clients' spec.host, which the pod conversion still renames.
    return { label: rules === rulesByResource.pods && m[1] === 'spec.host' ? 'spec.nodeName' : m[1], neq: m[2] === '!=', value: unescapeFieldValue(m[3]) };
  });
  for (const t of terms) if (!Object.hasOwn(rules.fields, t.label)) fail(rules.reject(t.label));
  return (obj) => terms.every((t) => (rules.fields[t.label](obj) === t.value) !== t.neq);
}
