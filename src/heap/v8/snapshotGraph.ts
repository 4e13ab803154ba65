// The heap graph of a snapshot in typed arrays, filled number by number as the tokenizer reads
// `nodes`, `edges` and `locations`. Only what the summary needs is kept: per node its type, name,
// id, self size and first edge; per edge only its target, with the edges the dominator tree must
// ignore (weak, and shortcuts not from the root, as DevTools does) stored as NO_NODE.
import { HeapFileError } from './heapFileError.ts';
import type { SnapshotMeta } from './snapshotMeta.ts';
import { SnapshotStrings } from './snapshotStrings.ts';

export const NO_NODE = 0xffffffff;

export class SnapshotGraph {
  readonly meta: SnapshotMeta;
  readonly nodeType: Uint8Array;
  readonly nodeName: Uint32Array;
  readonly nodeId: Uint32Array;
  /** Widened to a Float64Array by the first size beyond 32 bits. */
  selfSize: Uint32Array | Float64Array;
  /** Edges of node i are edgeTo[firstEdge[i] .. firstEdge[i + 1]). */
  readonly firstEdge: Uint32Array;
  readonly edgeTo: Uint32Array;
  /** object_index / node field count, script id, line, column (0-based as V8 writes them). */
  locations = new Uint32Array(4096);
  locationCount = 0;
  /** Allocation tracking (trace_function_infos, trace_tree) when the snapshot was taken with it. */
  functionInfos: number[] = [];
  traceTree: number[] = [];
  readonly strings = new SnapshotStrings();

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
    this.selfSize = new Uint32Array(n);
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
    this.edgeFields = meta.edgeFieldCount;
    this.edgeTypeCol = meta.edge.type;
    this.toCol = meta.edge.toNode;
    this.edgeTotal = meta.edgeCount;
  }

  get nodeCount(): number {
    return this.meta.nodeCount;
  }

  /** The next numbers of `nodes`, row after row (a row may span calls). */
  nodes(batch: Float64Array, count: number): void {
    const { nodeType, nodeName, nodeId, firstEdge, typeCol, nameCol, idCol, sizeCol, edgeCountCol, nodeFields, edgeTotal } = this;
    const typeCount = this.meta.nodeTypes.length;
    let sizes = this.selfSize;
    let f = this.nodeField;
    let i = this.nodeIndex;
    for (let k = 0; k < count; k++) {
      if (f === 0 && k + nodeFields <= count && i < nodeType.length) {
        // a whole row at once (batches hold whole rows): no column tests
        for (let c = k; c < k + nodeFields; c++) if (batch[c]! < 0) this.fail('"nodes" holds a negative number');
        const type = batch[k + typeCol]!;
        if (type >= typeCount) this.fail(`node ${i} has type ${type}, not one of the ${typeCount} types`);
        nodeType[i] = type;
        nodeName[i] = batch[k + nameCol]!;
        nodeId[i] = batch[k + idCol]!;
        const size = batch[k + sizeCol]!;
        if (size > 0xffffffff && sizes instanceof Uint32Array) sizes = this.selfSize = Float64Array.from(sizes);
        sizes[i] = size;
        const next = firstEdge[i]! + batch[k + edgeCountCol]!;
        if (next > edgeTotal) this.fail(`the nodes' edge counts add up to more than the ${edgeTotal} edges announced`);
        firstEdge[++i] = next;
        k += nodeFields - 1;
        continue;
      }
      const v = batch[k]!;
      if (v < 0) this.fail('"nodes" holds a negative number');
      if (i >= nodeType.length) this.fail(`"nodes" holds more than the ${nodeType.length} nodes snapshot.meta announces`);
      if (f === typeCol) {
        if (v >= typeCount) this.fail(`node ${i} has type ${v}, not one of the ${typeCount} types`);
        nodeType[i] = v;
      } else if (f === nameCol) nodeName[i] = v;
      else if (f === idCol) nodeId[i] = v;
      else if (f === sizeCol) {
        if (v > 0xffffffff && sizes instanceof Uint32Array) sizes = this.selfSize = Float64Array.from(sizes);
        sizes[i] = v;
      } else if (f === edgeCountCol) {
        const next = firstEdge[i]! + v;
        if (next > edgeTotal) this.fail(`the nodes' edge counts add up to more than the ${edgeTotal} edges announced`);
        firstEdge[i + 1] = next;
      }
      if (++f === nodeFields) {
        f = 0;
        i++;
      }
    }
    this.nodeField = f;
    this.nodeIndex = i;
  }

  /** The next numbers of `edges`; each edge's target divided into a node index once, here. */
  edges(batch: Float64Array, count: number): void {
    const { edgeTo, edgeFields, edgeTypeCol, toCol, nodeFields, edgeTotal, weak, shortcut } = this;
    const nodeCount = this.nodeType.length;
    let f = this.edgeField;
    let e = this.edgeIndex;
    let type = this.edgeType;
    for (let k = 0; k < count; k++) {
      if (f === 0 && k + edgeFields <= count && e < edgeTotal) {
        for (let c = k; c < k + edgeFields; c++) if (batch[c]! < 0) this.fail('"edges" holds a negative number');
        const to = batch[k + toCol]! / nodeFields;
        if (to >= nodeCount || to !== Math.floor(to)) this.fail(`edge ${e} points at ${batch[k + toCol]}, which is not a node`);
        type = batch[k + edgeTypeCol]!;
        edgeTo[e] = type === weak || (type === shortcut && this.ownerOf(e) !== 0) ? NO_NODE : to;
        e++;
        k += edgeFields - 1;
        continue;
      }
      const v = batch[k]!;
      if (v < 0) this.fail('"edges" holds a negative number');
      if (e >= edgeTotal) this.fail(`"edges" holds more than the ${edgeTotal} edges announced`);
      if (f === edgeTypeCol) type = v;
      else if (f === toCol) {
        const to = v / nodeFields;
        if (to >= nodeCount || to !== Math.floor(to)) this.fail(`edge ${e} points at ${v}, which is not a node`);
        edgeTo[e] = type === weak || (type === shortcut && this.ownerOf(e) !== 0) ? NO_NODE : to;
      }
      if (++f === edgeFields) {
        f = 0;
        e++;
      }
    }
    this.edgeField = f;
    this.edgeIndex = e;
    this.edgeType = type;
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

  locationNumbers(batch: Float64Array, count: number): void {
    const m = this.meta;
    for (let k = 0; k < count; k++) {
      const v = batch[k]!;
      if (v < 0) this.fail('"locations" holds a negative number');
      const f = this.locationField;
      if (f === m.location.objectIndex) this.location[0] = v / m.nodeFieldCount;
      else if (f === m.location.scriptId) this.location[1] = v;
      else if (f === m.location.line) this.location[2] = v;
      else if (f === m.location.column) this.location[3] = v;
      if (++this.locationField < m.locationFieldCount) continue;
      this.locationField = 0;
      const [node, script, line, col] = this.location as [number, number, number, number];
      if (!Number.isInteger(node) || node >= m.nodeCount) this.fail(`location ${this.locationCount} names object ${node * m.nodeFieldCount}, which is not a node`);
      if ((this.locationCount + 1) * 4 > this.locations.length) {
        const grown = new Uint32Array(this.locations.length * 2);
        grown.set(this.locations);
        this.locations = grown;
      }
      this.locations.set([node, script, line, col], this.locationCount * 4);
      this.locationCount++;
    }
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
