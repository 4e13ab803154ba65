// The heap graph of a snapshot in typed arrays, filled number by number as the tokenizer reads
// `nodes`, `edges` and `locations`. Only what the summary needs is kept: per node its type, name,
// id, self size and first edge; per edge only its target, with the edges the dominator tree must
// ignore (weak, and shortcuts not from the root, as DevTools does) stored as NO_NODE.
import { HeapFileError } from './heapFileError.ts';
import type { SnapshotMeta } from './snapshotMeta.ts';

export const NO_NODE = 0xffffffff;

export class SnapshotGraph {
  readonly meta: SnapshotMeta;
  readonly nodeType: Uint8Array;
  readonly nodeName: Uint32Array;
  readonly nodeId: Uint32Array;
  readonly selfSize: Float64Array;
  /** Edges of node i are edgeTo[firstEdge[i] .. firstEdge[i + 1]). */
  readonly firstEdge: Uint32Array;
  readonly edgeTo: Uint32Array;
  /** object_index / node field count, script id, line, column (0-based as V8 writes them). */
  locations = new Uint32Array(4096);
  locationCount = 0;
  /** Allocation tracking (trace_function_infos, trace_tree) when the snapshot was taken with it. */
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
  }

  get nodeCount(): number {
    return this.meta.nodeCount;
  }

  node(v: number): void {
    const m = this.meta;
    const f = this.nodeField;
    const i = this.nodeIndex;
    if (i >= m.nodeCount) throw new HeapFileError(`Not a readable V8 heap snapshot: "nodes" holds more than the ${m.nodeCount} nodes snapshot.meta announces.`);
    if (f === m.node.type) {
      if (v >= m.nodeTypes.length) throw new HeapFileError(`Not a readable V8 heap snapshot: node ${i} has type ${v}, not one of the ${m.nodeTypes.length} types.`);
      this.nodeType[i] = v;
    } else if (f === m.node.name) this.nodeName[i] = v;
    else if (f === m.node.id) this.nodeId[i] = v;
    else if (f === m.node.selfSize) this.selfSize[i] = v;
    else if (f === m.node.edgeCount) {
      const next = this.firstEdge[i]! + v;
      if (next > m.edgeCount) throw new HeapFileError(`Not a readable V8 heap snapshot: the nodes' edge counts add up to more than the ${m.edgeCount} edges announced.`);
      this.firstEdge[i + 1] = next;
    }
    if (++this.nodeField === m.nodeFieldCount) {
      this.nodeField = 0;
      this.nodeIndex++;
    }
  }

  edge(v: number): void {
    const m = this.meta;
    const f = this.edgeField;
    if (this.edgeIndex >= m.edgeCount) throw new HeapFileError(`Not a readable V8 heap snapshot: "edges" holds more than the ${m.edgeCount} edges announced.`);
    if (f === m.edge.type) this.edgeType = v;
    else if (f === m.edge.toNode) {
      const to = v / m.nodeFieldCount;
      if (!Number.isInteger(to) || to >= m.nodeCount) throw new HeapFileError(`Not a readable V8 heap snapshot: edge ${this.edgeIndex} points at ${v}, which is not a node.`);
      while (this.firstEdge[this.edgeOwner + 1]! <= this.edgeIndex && this.edgeOwner < m.nodeCount - 1) this.edgeOwner++;
      const ignored = this.edgeType === this.weak || (this.edgeType === this.shortcut && this.edgeOwner !== 0);
      this.edgeTo[this.edgeIndex] = ignored ? NO_NODE : to;
    }
    if (++this.edgeField === m.edgeFieldCount) {
      this.edgeField = 0;
      this.edgeIndex++;
    }
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
