// `snapshot.meta` of a V8 .heapsnapshot: which column of `nodes`/`edges` is what. Checked before
// any array is sized from it, so a corrupt header cannot make the reader allocate without bound.
import { HeapFileError } from './heapFileError.ts';

export interface SnapshotMeta {
  readonly nodeFieldCount: number;
  readonly edgeFieldCount: number;
  /** Column of each node field the reader keeps. */
  readonly node: { readonly type: number; readonly name: number; readonly id: number; readonly selfSize: number; readonly edgeCount: number; readonly traceNodeId: number };
  readonly edge: { readonly type: number; readonly name: number; readonly toNode: number };
  readonly nodeTypes: readonly string[];
  readonly edgeTypes: readonly string[];
  readonly locationFieldCount: number;
  readonly location: { readonly objectIndex: number; readonly scriptId: number; readonly line: number; readonly column: number };
  /** Allocation tracking's trace_function_infos: its row width and columns (node.traceNodeId -1: not tracked). */
  readonly traceFunctionFieldCount: number;
  readonly traceFunction: { readonly name: number; readonly scriptName: number; readonly line: number; readonly column: number };
  readonly nodeCount: number;
  readonly edgeCount: number;
}

type Obj = Record<string, unknown>;

/** Columns of a row; the tokenizer's batches hold whole rows. */
const MAX_FIELDS = 64;

function fail(what: string): never {
  throw new HeapFileError(`Not a readable V8 heap snapshot: snapshot.meta ${what}.`);
}

function names(o: Obj, key: string): string[] {
  const v = o[key];
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) fail(`has no list of ${key}`);
  return v as string[];
}

function column(fields: readonly string[], name: string, list: string): number {
  const i = fields.indexOf(name);
  if (i < 0) fail(`${list} has no "${name}"`);
  return i;
}

function types(o: Obj, key: string): string[] {
  const v = o[key];
  if (!Array.isArray(v) || !Array.isArray(v[0]) || !v[0].every((x: unknown) => typeof x === 'string')) fail(`${key} has no list of type names`);
  return v[0] as string[];
}

function count(o: Obj, key: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= 2 ** 32) fail(`${key} is not a count (got ${JSON.stringify(v)})`);
  return v;
}

/** The header as V8 writes it; `fileBytes` bounds the counts (each number takes at least two bytes). */
export function parseMeta(json: string, fileBytes: number): SnapshotMeta {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    fail('is not valid JSON');
  }
  if (!raw || typeof raw !== 'object') fail('is missing');
  const snapshot = raw as Obj;
  const meta = snapshot.meta as Obj | undefined;
  if (!meta || typeof meta !== 'object') fail('is missing');
  const nodeFields = names(meta, 'node_fields');
  const edgeFields = names(meta, 'edge_fields');
  const traceFields = meta.trace_function_info_fields === undefined ? ['function_id', 'name', 'script_name', 'script_id', 'line', 'column'] : names(meta, 'trace_function_info_fields');
  const locationFields = meta.location_fields === undefined ? ['object_index', 'script_id', 'line', 'column'] : names(meta, 'location_fields');
  for (const [list, fields] of [['node_fields', nodeFields], ['edge_fields', edgeFields], ['location_fields', locationFields], ['trace_function_info_fields', traceFields]] as const) {
    if (fields.length > MAX_FIELDS) fail(`has ${fields.length} ${list}; V8 writes fewer than ${MAX_FIELDS}`);
  }
  const nodeCount = count(snapshot, 'node_count');
  const edgeCount = count(snapshot, 'edge_count');
  if (nodeCount === 0) fail('says the heap has no nodes');
  if (nodeCount * nodeFields.length * 2 + edgeCount * edgeFields.length * 2 > fileBytes) {
    fail(`claims ${nodeCount} nodes and ${edgeCount} edges, more than a file of ${fileBytes} bytes can hold`);
  }
  return {
    nodeFieldCount: nodeFields.length,
    edgeFieldCount: edgeFields.length,
    node: {
      type: column(nodeFields, 'type', 'node_fields'), name: column(nodeFields, 'name', 'node_fields'), id: column(nodeFields, 'id', 'node_fields'),
      selfSize: column(nodeFields, 'self_size', 'node_fields'), edgeCount: column(nodeFields, 'edge_count', 'node_fields'),
      traceNodeId: nodeFields.indexOf('trace_node_id'),
    },
    edge: { type: column(edgeFields, 'type', 'edge_fields'), name: column(edgeFields, 'name_or_index', 'edge_fields'), toNode: column(edgeFields, 'to_node', 'edge_fields') },
    nodeTypes: types(meta, 'node_types'),
    edgeTypes: types(meta, 'edge_types'),
    locationFieldCount: locationFields.length,
    location: {
      objectIndex: column(locationFields, 'object_index', 'location_fields'), scriptId: column(locationFields, 'script_id', 'location_fields'),
      line: column(locationFields, 'line', 'location_fields'), column: column(locationFields, 'column', 'location_fields'),
    },
    traceFunctionFieldCount: traceFields.length,
    traceFunction: {
      name: column(traceFields, 'name', 'trace_function_info_fields'), scriptName: column(traceFields, 'script_name', 'trace_function_info_fields'),
      line: column(traceFields, 'line', 'trace_function_info_fields'), column: column(traceFields, 'column', 'trace_function_info_fields'),
    },
    nodeCount,
    edgeCount,
  };
}
