// The options a write carries, checked as the API server checks them (meta/v1 validation):
// dryRun and fieldValidation in the query of create/update/patch, and DeleteOptions, which
// kubectl and client-node send as the DELETE body and older clients put in the query.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseJson, readBody, sendJson } from './http.ts';
import type { RequestInfo } from './request.ts';
import { type Cause, badRequest, invalid } from './status.ts';
import type { FieldValidation } from './validation.ts';

function dryRunCauses(values: unknown): Cause[] {
  const list = Array.isArray(values) ? values : [values];
  if (list.every((v) => v === 'All')) return [];
  // Go prints the rejected []string with %#v.
  return [{ reason: 'FieldValueNotSupported', message: `Unsupported value: []string{${list.map((v) => JSON.stringify(v)).join(', ')}}: supported values: "All"`, field: 'dryRun' }];
}

/** CreateOptions/UpdateOptions/PatchOptions from the query; without fieldValidation the server warns (the default since 1.27). */
export function writeOptions(info: RequestInfo, kind: 'CreateOptions' | 'UpdateOptions' | 'PatchOptions'): { dryRun: boolean; fieldValidation: FieldValidation } {
  const dryRun = info.query.getAll('dryRun');
  const fieldValidation = info.query.get('fieldValidation') ?? '';
  const causes = dryRunCauses(dryRun);
  if (!['', 'Ignore', 'Strict', 'Warn'].includes(fieldValidation)) {
    causes.push({ reason: 'FieldValueNotSupported', message: `Unsupported value: ${JSON.stringify(fieldValidation)}: supported values: "", "Ignore", "Strict", "Warn"`, field: 'fieldValidation' });
  }
  if (causes.length) throw invalid(kind, 'meta.k8s.io', '', causes);
  return { dryRun: dryRun.length > 0, fieldValidation: (fieldValidation || 'Warn') as FieldValidation };
}

/** A response with one `Warning: 299 - "..."` header per warning, which kubectl prints as `Warning: ...`. */
export function sendWithWarnings(res: ServerResponse, code: number, body: unknown, warnings: string[]): void {
  if (warnings.length) res.setHeader('Warning', warnings.map((w) => `299 - ${JSON.stringify(w)}`));
  sendJson(res, code, body);
}

export type Propagation = 'Foreground' | 'Background' | 'Orphan';

export interface DeleteOptions {
  dryRun: boolean;
  gracePeriodSeconds?: number;
  propagationPolicy?: Propagation;
  /** The deprecated form of propagationPolicy Orphan (true) or Background (false). */
  orphanDependents?: boolean;
}

function queryInteger(info: RequestInfo, name: string): number | undefined {
  const text = info.query.get(name);
  if (text === null) return undefined;
  if (!/^-?\d+$/.test(text)) throw badRequest(`strconv.ParseInt: parsing ${JSON.stringify(text)}: invalid syntax`);
  return Number(text);
}

/** The body's DeleteOptions when there is a body (the server then ignores the query), else the query's. */
export async function deleteOptions(req: IncomingMessage, info: RequestInfo): Promise<DeleteOptions> {
  const text = (await readBody(req)).toString('utf8').trim();
  const q = info.query;
  const raw = text ? (parseJson(text, 'the server rejected our request due to an error in our request') ?? {}) : {
    dryRun: q.has('dryRun') ? q.getAll('dryRun') : undefined,
    gracePeriodSeconds: queryInteger(info, 'gracePeriodSeconds'),
    propagationPolicy: q.get('propagationPolicy') ?? undefined,
    orphanDependents: q.has('orphanDependents') ? q.get('orphanDependents') === 'true' : undefined,
  };
  const policy = raw.propagationPolicy ?? undefined;
  const causes: Cause[] = [];
  if (raw.orphanDependents != null && policy !== undefined) {
    causes.push({ reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(policy)}: orphanDependents and deletionPropagation cannot be both set`, field: 'propagationPolicy' });
  }
  if (policy !== undefined && !['Foreground', 'Background', 'Orphan'].includes(policy)) {
    causes.push({ reason: 'FieldValueNotSupported', message: `Unsupported value: ${JSON.stringify(policy)}: supported values: "Foreground", "Background", "Orphan", "nil"`, field: 'propagationPolicy' });
  }
  causes.push(...dryRunCauses(raw.dryRun ?? []));
  if (causes.length) throw invalid('DeleteOptions', 'meta.k8s.io', '', causes);
  const grace = raw.gracePeriodSeconds ?? undefined;
  if (grace !== undefined && !Number.isInteger(grace)) throw badRequest(`the server rejected our request due to an error in our request: gracePeriodSeconds must be an integer`);
  return { dryRun: (raw.dryRun ?? []).length > 0, gracePeriodSeconds: grace, propagationPolicy: policy, orphanDependents: raw.orphanDependents ?? undefined };
}
