// The heap graph of a snapshot in typed arrays, filled row by row as the tokenizer reads `nodes`,
// `edges` and `locations` (its batches hold whole rows, none negative). Only what the summary
// needs is kept: per node its type, name, id, self size and first edge; per edge only its target,
// with the edges the dominator tree must ignore (weak, and shortcuts not from the root, as
// DevTools does) stored as NO_NODE. With allocation tracking, also each node's trace and the
// trace tree, flattened to rows of id, function and parent.
import { HeapFileError } from './heapFileError.ts';
import type { SnapshotMeta } from './snapshotMeta.ts';
import { grow, SnapshotStrings } from './snapshotStrings.ts';

export const NO_NODE = 0xffffffff;
/** The brackets of the trace tree's nested children lists, as the tokenizer hands them over (its numbers are never negative). */
export const TRACE_OPEN = -1;
export const TRACE_CLOSE = -2;
/** A trace tree node as V8 writes it: id, function_info_index, count, size, then its children list. */
const TRACE_NODE_FIELDS = 4;

export class SnapshotGraph {
  readonly meta: SnapshotMeta;
  readonly nodeType: Uint8Array;
  readonly nodeName: Uint32Array;
  readonly nodeId: Uint32Array;
  /** Per node its allocation trace (a trace tree node id, 0 = none), when the meta has trace_node_id. */
  readonly traceNodeId: Uint32Array | undefined;
  /** Widened to a Float64Array by the first size beyond 32 bits. */
  selfSize: Uint32Array | Float64Array;
  /** Edges of node i are edgeTo[firstEdge[i] .. firstEdge[i + 1]). */
  readonly firstEdge: Uint32Array;
  readonly edgeTo: Uint32Array;
  /** object_index / node field count, script id, line, column (0-based as V8 writes them). */
  locations = new Uint32Array(4096);
  locationCount = 0;
  /** Allocation tracking (trace_function_infos, and trace_tree as rows of id, function info index,
   * parent row or NO_NODE; parents come before their children) when the snapshot was taken with it. */
  functionInfos: number[] = [];
  traceNodes = new Uint32Array(0);
  traceNodeCount = 0;
  readonly strings = new SnapshotStrings();

  private nodeIndex = 0;
  private edgeIndex = 0;
  private edgeOwner = 0;
  /** Reading trace_tree: fields read of the current trace node (TRACE_NODE_FIELDS: its children list is next), open parents. */
  private traceField = 0;
  private readonly traceParents: number[] = [];
  private readonly weak: number;
  private readonly shortcut: number;

  constructor(meta: SnapshotMeta) {
    this.meta = meta;
    const n = meta.nodeCount;
    this.nodeType = new Uint8Array(n);
    this.nodeName = new Uint32Array(n);
    this.nodeId = new Uint32Array(n);
    this.traceNodeId = meta.node.traceNodeId >= 0 ? new Uint32Array(n) : undefined;
    this.selfSize = new Uint32Array(n);
    this.firstEdge = new Uint32Array(n + 1);
    this.edgeTo = new Uint32Array(meta.edgeCount);
    this.weak = meta.edgeTypes.indexOf('weak');
    this.shortcut = meta.edgeTypes.indexOf('shortcut');
  }

  get nodeCount(): number {
    return this.meta.nodeCount;
  }

  /** Whole rows of `nodes`; a batch that ends inside a row is the list ending inside one. */
  nodes(batch: Float64Array, count: number): void {
    const { nodeType, nodeName, nodeId, firstEdge } = this;
    const { nodeFieldCount: width, nodeCount, edgeCount } = this.meta;
    const { type: typeCol, name: nameCol, id: idCol, selfSize: sizeCol, edgeCount: edgeCountCol } = this.meta.node;
    const typeCount = this.meta.nodeTypes.length;
    if (count % width !== 0) this.fail('"nodes" ends inside a node');
    let sizes = this.selfSize;
    let i = this.nodeIndex;
    for (let k = 0; k < count; k += width, i++) {
      if (i >= nodeCount) this.fail(`"nodes" holds more than the ${nodeCount} nodes snapshot.meta announces`);
      const type = batch[k + typeCol]!;
      if (type >= typeCount) this.fail(`node ${i} has type ${type}, not one of the ${typeCount} types`);
      nodeType[i] = type;
      nodeName[i] = batch[k + nameCol]!;
      nodeId[i] = batch[k + idCol]!;
      const size = batch[k + sizeCol]!;
      if (size > 0xffffffff && sizes instanceof Uint32Array) sizes = this.selfSize = Float64Array.from(sizes);
      sizes[i] = size;
      const next = firstEdge[i]! + batch[k + edgeCountCol]!;
      if (next > edgeCount) this.fail(`the nodes' edge counts add up to more than the ${edgeCount} edges announced`);
      firstEdge[i + 1] = next;
    }
    const trace = this.traceNodeId;
    const traceCol = this.meta.node.traceNodeId;
    if (trace) for (let k = 0, j = this.nodeIndex; j < i; k += width, j++) trace[j] = batch[k + traceCol]!;
    this.nodeIndex = i;
  }

  /** Whole rows of `edges`; each edge's target divided into a node index once, here. */
  edges(batch: Float64Array, count: number): void {
    const { edgeTo, weak, shortcut } = this;
    const { edgeFieldCount: width, nodeFieldCount, nodeCount, edgeCount } = this.meta;
    const { type: typeCol, toNode: toCol } = this.meta.edge;
    if (count % width !== 0) this.fail('"edges" ends inside an edge');
    let e = this.edgeIndex;
    for (let k = 0; k < count; k += width, e++) {
      if (e >= edgeCount) this.fail(`"edges" holds more than the ${edgeCount} edges announced`);
      const to = batch[k + toCol]! / nodeFieldCount;
      if (to >= nodeCount || to !== Math.floor(to)) this.fail(`edge ${e} points at ${batch[k + toCol]}, which is not a node`);
      const type = batch[k + typeCol]!;
      edgeTo[e] = type === weak || (type === shortcut && this.ownerOf(e) !== 0) ? NO_NODE : to;
    }
    this.edgeIndex = e;
  }

  /** The node whose edge e is (edges come in node order): only asked for shortcuts, which are few. */
  private ownerOf(e: number): number {
    const last = this.nodeType.length - 1;
    while (this.edgeOwner < last && this.firstEdge[this.edgeOwner + 1]! <= e) this.edgeOwner++;
    return this.edgeOwner;
  }

  private fail(what: string): never {
    throw new HeapFileError(`Not a readable V8 heap snapshot: ${what}.`);
  }

  /** Whole rows of `locations`, kept as node, script id, line, column. */
  locationNumbers(batch: Float64Array, count: number): void {
    const { locationFieldCount: width, nodeFieldCount, nodeCount } = this.meta;
    const { objectIndex, scriptId, line, column } = this.meta.location;
    if (count % width !== 0) this.fail('"locations" ends inside a location');
    if ((this.locationCount + count / width) * 4 > this.locations.length) {
      const grown = new Uint32Array(Math.max((this.locationCount + count / width) * 4, this.locations.length * 2));
      grown.set(this.locations);
      this.locations = grown;
    }
    const locations = this.locations;
    for (let k = 0; k < count; k += width) {
      const node = batch[k + objectIndex]! / nodeFieldCount;
      if (!Number.isInteger(node) || node >= nodeCount) this.fail(`location ${this.locationCount} names object ${batch[k + objectIndex]}, which is not a node`);
      const at = this.locationCount++ * 4;
      locations[at] = node;
      locations[at + 1] = batch[k + scriptId]!;
      locations[at + 2] = batch[k + line]!;
      locations[at + 3] = batch[k + column]!;
    }
  }

  /** Numbers of `trace_tree`, with TRACE_OPEN and TRACE_CLOSE for the brackets inside it. */
  traceTreeNumbers(batch: Float64Array, count: number): void {
    const parents = this.traceParents;
    for (let k = 0; k < count; k++) {
      const v = batch[k]!;
      const field = this.traceField;
      if (v === TRACE_OPEN) {
        if (field !== TRACE_NODE_FIELDS) this.badTrace();
        parents.push(this.traceNodeCount - 1);
        this.traceField = 0;
      } else if (v === TRACE_CLOSE) {
        if (field !== 0 || parents.length === 0) this.badTrace();
        parents.pop();
      } else if (field === TRACE_NODE_FIELDS || (field < 2 && v > 0xffffffff)) this.badTrace();
      else {
        if (field === 0) {
          if ((this.traceNodeCount + 1) * 3 > this.traceNodes.length) this.traceNodes = grow(this.traceNodes, (this.traceNodeCount + 1) * 3);
          const at = this.traceNodeCount++ * 3;
          this.traceNodes[at] = v;
          this.traceNodes[at + 2] = parents.length > 0 ? parents[parents.length - 1]! : NO_NODE;
        } else if (field === 1) this.traceNodes[(this.traceNodeCount - 1) * 3 + 1] = v;
        this.traceField = field + 1;
      }
    }
  }

  private badTrace(): never {
    this.fail('"trace_tree" is cut or badly nested');
  }

  /** After the last byte: every announced node and edge was read and every name is a string. */
  check(): void {
    const m = this.meta;
    if (this.nodeIndex !== m.nodeCount) throw new HeapFileError(`Not a readable V8 heap snapshot: "nodes" holds ${this.nodeIndex} of the ${m.nodeCount} nodes announced.`);
    if (this.edgeIndex !== m.edgeCount || this.firstEdge[m.nodeCount] !== m.edgeCount) {
      throw new HeapFileError(`Not a readable V8 heap snapshot: "edges" holds ${this.edgeIndex} of the ${m.edgeCount} edges announced.`);
    }
    if (this.traceField !== 0 || this.traceParents.length > 0) this.badTrace();
    const strings = this.strings.length;
    for (let i = 0; i < m.nodeCount; i++) {
      if (this.nodeName[i]! >= strings) throw new HeapFileError(`Not a readable V8 heap snapshot: node ${i} is named by string ${this.nodeName[i]}, and there are ${strings} strings.`);
    }
  }
}
