import { PrometheusApiError, PrometheusResponseError, PrometheusTooLargeError } from './errors.ts';
import type { HttpAnswer } from './http.ts';
import type { PrometheusTransport } from './transport.ts';

/** One series of a range result, values parsed; samples that are not finite numbers are dropped. */
export interface RangeSeries {
  readonly labels: Readonly<Record<string, string>>;
  readonly samples: readonly (readonly [number, number])[];
}

export interface InstantSample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
  readonly timeSeconds: number;
}

// Bounds on what is accepted from the server: a trend shows a few pods, not a cluster.
export const MAX_SERIES = 2_000;
const MAX_LABELS = 64;
const MAX_LABEL_TEXT = 1_024;

/** The Prometheus HTTP API: /api/v1/query, /api/v1/query_range, /api/v1/series. */
export class PrometheusClient {
  readonly transport: PrometheusTransport;

  constructor(transport: PrometheusTransport) {
    this.transport = transport;
  }

  get where(): string {
    return this.transport.where;
  }

  async queryRange(query: string, start: number, end: number, step: number, signal?: AbortSignal): Promise<RangeSeries[]> {
    const params = new URLSearchParams({ query, start: String(start), end: String(end), step: String(step) });
    const data = await this.call('/api/v1/query_range', params, query, signal);
    const result = expectResult(data, 'matrix', this.transport.where);
    return result.map((item) => {
      const { metric, values } = item as { metric?: unknown; values?: unknown };
      if (!Array.isArray(values)) throw shapeError(this.transport.where, 'a matrix series without values');
      const samples: (readonly [number, number])[] = [];
      for (const pair of values) {
        const parsed = parsePair(pair);
        if (parsed) samples.push(parsed);
      }
      return { labels: parseLabels(metric, this.transport.where), samples };
    });
  }

  async query(query: string, timeSeconds?: number, signal?: AbortSignal): Promise<InstantSample[]> {
    const params = new URLSearchParams({ query });
    if (timeSeconds !== undefined) params.set('time', String(timeSeconds));
    const data = await this.call('/api/v1/query', params, query, signal);
    const result = expectResult(data, 'vector', this.transport.where);
    const out: InstantSample[] = [];
    for (const item of result) {
      const { metric, value } = item as { metric?: unknown; value?: unknown };
      const parsed = parsePair(value);
      if (parsed) out.push({ labels: parseLabels(metric, this.transport.where), timeSeconds: parsed[0], value: parsed[1] });
    }
    return out;
  }

  /** Label sets of the series matching any of the selectors in the window. */
  async series(selectors: readonly string[], start: number, end: number, signal?: AbortSignal): Promise<Record<string, string>[]> {
    const params = new URLSearchParams({ start: String(start), end: String(end) });
    for (const s of selectors) params.append('match[]', s);
    const data = await this.call('/api/v1/series', params, selectors.join(' or '), signal);
    if (!Array.isArray(data)) throw shapeError(this.transport.where, 'series data that is not a list');
    if (data.length > MAX_SERIES) throw new PrometheusTooLargeError(`${data.length} series`, `${MAX_SERIES}`);
    return data.map((m) => parseLabels(m, this.transport.where));
  }

  /** Sends the request and unwraps the {status, data} envelope, or throws the error that explains it. */
  private async call(path: string, params: URLSearchParams, query: string, signal?: AbortSignal): Promise<unknown> {
    const answer = await this.transport.get(path, params, signal);
    const envelope = parseEnvelope(answer);
    if (!envelope) {
      throw this.transport.explain(answer) ?? new PrometheusResponseError(answer.status, answer.contentType, answer.body.slice(0, 200));
    }
    if (envelope.status === 'error') {
      throw new PrometheusApiError(String(envelope.errorType ?? 'unknown'), String(envelope.error ?? ''), query);
    }
    return envelope.data;
  }
}

interface Envelope {
  status: 'success' | 'error';
  data?: unknown;
  errorType?: unknown;
  error?: unknown;
}

// Prometheus answers JSON even for its own errors (400 bad_data, 422 execution, 503 timeout).
function parseEnvelope(answer: HttpAnswer): Envelope | undefined {
  let body: unknown;
  try {
    body = JSON.parse(answer.body);
  } catch {
    return undefined;
  }
  if (typeof body !== 'object' || body === null) return undefined;
  const status = (body as { status?: unknown }).status;
  if (status !== 'success' && status !== 'error') return undefined;
  return body as Envelope;
}

function expectResult(data: unknown, type: 'matrix' | 'vector', where: string): unknown[] {
  const { resultType, result } = (data ?? {}) as { resultType?: unknown; result?: unknown };
  if (resultType !== type || !Array.isArray(result)) {
    throw shapeError(where, `a ${String(resultType)} result where a ${type} was expected`);
  }
  if (result.length > MAX_SERIES) throw new PrometheusTooLargeError(`${result.length} series`, `${MAX_SERIES}`);
  return result;
}

function parsePair(pair: unknown): readonly [number, number] | undefined {
  if (!Array.isArray(pair) || pair.length !== 2) return undefined;
  const t = Number(pair[0]);
  const v = typeof pair[1] === 'string' ? Number(pair[1]) : NaN;
  return Number.isFinite(t) && Number.isFinite(v) ? [t, v] : undefined;
}

function parseLabels(metric: unknown, where: string): Record<string, string> {
  if (typeof metric !== 'object' || metric === null || Array.isArray(metric)) throw shapeError(where, 'a series without labels');
  const out: Record<string, string> = Object.create(null);
  let n = 0;
  for (const [k, v] of Object.entries(metric)) {
    if (typeof v !== 'string' || ++n > MAX_LABELS) continue;
    out[k.slice(0, MAX_LABEL_TEXT)] = v.slice(0, MAX_LABEL_TEXT);
  }
  return out;
}

function shapeError(where: string, what: string): PrometheusResponseError {
  return new PrometheusResponseError(200, 'application/json', `${what} from ${where}`, 'Is this a Prometheus-compatible API?');
}
