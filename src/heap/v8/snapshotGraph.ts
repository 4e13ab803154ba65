// The heap graph of a snapshot in typed arrays, filled number by number as the tokenizer reads
// `nodes`, `edges` and `locations`. Only what the summary needs is kept: per node its type, name,
// id, self size and first edge; per edge only its target, with the edges the dominator tree must
// ignore (weak, and shortcuts not from the root, as DevTools does) stored as NO_NODE.
import { HeapFileError } from './heapFileError.ts';
import type { SnapshotMeta } from './snapshotMeta.ts';

export const NO_NODE = 0xffffffff;
export const TRACE_OPEN = -1;
export const TRACE_CLOSE = -2;

export class SnapshotGraph {
  readonly meta: SnapshotMeta;
  readonly nodeType: Uint8Array;
  readonly nodeName: Uint32Array;
  readonly nodeId: Uint32Array;
  readonly selfSize: Float64Array;
  /** Per node its allocation trace (a trace_tree node id, 0 = none) when allocations were tracked. */
  readonly traceNodeId: Uint32Array | undefined;
  /** Edges of node i are edgeTo[firstEdge[i] .. firstEdge[i + 1]). */
  readonly firstEdge: Uint32Array;
  readonly edgeTo: Uint32Array;
  /** object_index / node field count, script id, line, column (0-based as V8 writes them). */
  locations = new Uint32Array(4096);
  locationCount = 0;
  /** Allocation tracking (trace_function_infos, trace_tree) when the snapshot was taken with it; in
   * traceTree, TRACE_OPEN and TRACE_CLOSE stand for the brackets of its nested children lists. */
  functionInfos: number[] = [];
  traceTree: number[] = [];
  strings: string[] = [];

  private nodeField = 0;
  private nodeIndex = 0;
  private edgeField = 0;
  private edgeIndex = 0;
  private edgeType = 0;
  private edgeOwner = 0;
  private locationField = 0;
  private location = [0, 0, 0, 0];
  private readonly weak: number;
  private readonly shortcut: number;
  // the columns, as own fields: read once per number on the hot path
  private readonly nodeFields: number;
  private readonly typeCol: number;
  private readonly nameCol: number;
  private readonly idCol: number;
  private readonly sizeCol: number;
  private readonly edgeCountCol: number;
  private readonly traceCol: number;
  private readonly edgeFields: number;
  private readonly edgeTypeCol: number;
  private readonly toCol: number;
  private readonly edgeTotal: number;

  constructor(meta: SnapshotMeta) {
    this.meta = meta;
    const n = meta.nodeCount;
    this.nodeType = new Uint8Array(n);
    this.nodeName = new Uint32Array(n);
    this.nodeId = new Uint32Array(n);
    this.selfSize = new Float64Array(n);
    this.firstEdge = new Uint32Array(n + 1);
    this.edgeTo = new Uint32Array(meta.edgeCount);
    this.weak = meta.edgeTypes.indexOf('weak');
    this.shortcut = meta.edgeTypes.indexOf('shortcut');
    this.nodeFields = meta.nodeFieldCount;
    this.typeCol = meta.node.type;
    this.nameCol = meta.node.name;
    this.idCol = meta.node.id;
    this.sizeCol = meta.node.selfSize;
    this.edgeCountCol = meta.node.edgeCount;
    this.traceCol = meta.node.traceNodeId;
    this.traceNodeId = this.traceCol >= 0 ? new Uint32Array(n) : undefined;
    this.edgeFields = meta.edgeFieldCount;
    this.edgeTypeCol = meta.edge.type;
    this.toCol = meta.edge.toNode;
    this.edgeTotal = meta.edgeCount;
  }

  get nodeCount(): number {
    return this.meta.nodeCount;
  }

  node(v: number): void {
    const f = this.nodeField;
    const i = this.nodeIndex;
    if (i >= this.nodeType.length) this.fail(`"nodes" holds more than the ${this.nodeType.length} nodes snapshot.meta announces`);
    if (f === this.typeCol) {
      if (v >= this.meta.nodeTypes.length) this.fail(`node ${i} has type ${v}, not one of the ${this.meta.nodeTypes.length} types`);
      this.nodeType[i] = v;
    } else if (f === this.nameCol) this.nodeName[i] = v;
    else if (f === this.idCol) this.nodeId[i] = v;
    else if (f === this.sizeCol) this.selfSize[i] = v;
    else if (f === this.edgeCountCol) {
      const next = this.firstEdge[i]! + v;
      if (next > this.edgeTotal) this.fail(`the nodes' edge counts add up to more than the ${this.edgeTotal} edges announced`);
      this.firstEdge[i + 1] = next;
    } else if (f === this.traceCol) this.traceNodeId![i] = v;
    if (++this.nodeField === this.nodeFields) {
      this.nodeField = 0;
      this.nodeIndex++;
    }
  }

  edge(v: number): void {
    const f = this.edgeField;
    const e = this.edgeIndex;
    if (e >= this.edgeTotal) this.fail(`"edges" holds more than the ${this.edgeTotal} edges announced`);
    if (f === this.edgeTypeCol) this.edgeType = v;
    else if (f === this.toCol) {
      const to = v / this.nodeFields;
      if (to >= this.nodeType.length || to !== Math.floor(to)) this.fail(`edge ${e} points at ${v}, which is not a node`);
      const last = this.nodeType.length - 1;
      while (this.edgeOwner < last && this.firstEdge[this.edgeOwner + 1]! <= e) this.edgeOwner++;
      const ignored = this.edgeType === this.weak || (this.edgeType === this.shortcut && this.edgeOwner !== 0);
      this.edgeTo[e] = ignored ? NO_NODE : to;
    }
    if (++this.edgeField === this.edgeFields) {
      this.edgeField = 0;
      this.edgeIndex++;
    }
  }

  private fail(what: string): never {
    throw new HeapFileError(`Not a readable V8 heap snapshot: ${what}.`);
  }

  locationNumber(v: number): void {
    const m = this.meta;
    const f = this.locationField;
    if (f === m.location.objectIndex) this.location[0] = v / m.nodeFieldCount;
    else if (f === m.location.scriptId) this.location[1] = v;
    else if (f === m.location.line) this.location[2] = v;
    else if (f === m.location.column) this.location[3] = v;
    if (++this.locationField < m.locationFieldCount) return;
    this.locationField = 0;
    const [node, script, line, col] = this.location as [number, number, number, number];
    if (!Number.isInteger(node) || node >= m.nodeCount) throw new HeapFileError(`Not a readable V8 heap snapshot: location ${this.locationCount} names object ${node * m.nodeFieldCount}, which is not a node.`);
    if ((this.locationCount + 1) * 4 > this.locations.length) {
      const grown = new Uint32Array(this.locations.length * 2);
      grown.set(this.locations);
      this.locations = grown;
    }
    this.locations.set([node, script, line, col], this.locationCount * 4);
    this.locationCount++;
  }

  /** After the last byte: every announced node and edge was read and every name is a string. */
  check(): void {
    const m = this.meta;
    if (this.nodeIndex !== m.nodeCount || this.nodeField !== 0) throw new HeapFileError(`Not a readable V8 heap snapshot: "nodes" holds ${this.nodeIndex} of the ${m.nodeCount} nodes announced.`);
    if (this.edgeIndex !== m.edgeCount || this.firstEdge[m.nodeCount] !== m.edgeCount) {
      throw new HeapFileError(`Not a readable V8 heap snapshot: "edges" holds ${this.edgeIndex} of the ${m.edgeCount} edges announced.`);
    }
    const strings = this.strings.length;
    for (let i = 0; i < m.nodeCount; i++) {
      if (this.nodeName[i]! >= strings) throw new HeapFileError(`Not a readable V8 heap snapshot: node ${i} is named by string ${this.nodeName[i]}, and there are ${strings} strings.`);
    }
  }
}
