// A byte-level tokenizer for V8's .heapsnapshot JSON, fed chunk by chunk from the file: the file
// is never held whole; numbers go in batches of whole rows into the typed arrays of a SnapshotGraph,
// strings as bytes into its string table.
// `snapshot` (with `meta`) comes first in V8's output, so the arrays are sized before the first node.
import { HeapFileError } from './heapFileError.ts';
import { SnapshotGraph, TRACE_CLOSE, TRACE_OPEN } from './snapshotGraph.ts';
import { parseMeta } from './snapshotMeta.ts';

// states and number sinks as plain numbers (a switch over small integers is the fast path)
const State = { Start: 0, KeyOrEnd: 1, Key: 2, Colon: 3, Value: 4, Header: 5, Numbers: 6, Strings: 7, Skip: 8, Done: 9 } as const;
const Sink = { None: 0, Nodes: 1, Edges: 2, Locations: 3, FunctionInfos: 4, TraceTree: 5 } as const;
type Sink = (typeof Sink)[keyof typeof Sink];

const QUOTE = 0x22, BACKSLASH = 0x5c, COMMA = 0x2c, COLON = 0x3a, MINUS = 0x2d;
const OPEN_BRACE = 0x7b, CLOSE_BRACE = 0x7d, OPEN_BRACKET = 0x5b, CLOSE_BRACKET = 0x5d;
/** The header is a few KB. */
const MAX_HEADER = 1 << 20;
/** Numbers are handed to the graph this many at a time: two tight loops instead of a call per number. */
const BATCH = 1 << 14;
const NUMBER_KEYS: Record<string, Sink> = {
  nodes: Sink.Nodes, edges: Sink.Edges, locations: Sink.Locations, trace_function_infos: Sink.FunctionInfos, trace_tree: Sink.TraceTree, samples: Sink.None,
};

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

function bad(what: string): never {
  throw new HeapFileError(`Not a readable V8 heap snapshot: ${what}.`);
}

export class SnapshotTokenizer {
  graph: SnapshotGraph | undefined;
  private state: number = State.Start;
  private key = '';
  private readonly seen = new Set<string>();
  private buf = new Uint8Array(1024);
  private len = 0;
  private dropped = false;
  private escaped = false;
  private inString = false;
  private depth = 0;
  private sink: Sink = Sink.None;
  private value = 0;
  private readonly batch = new Float64Array(BATCH);
  private batchCount = 0;
  /** Whole rows of the list being read fit in a batch. */
  private batchSize = BATCH;
  private digits = false;
  private negative = false;
  private readonly decoder = new TextDecoder('utf-8', { fatal: false });
  private readonly fileBytes: number;

  constructor(fileBytes: number) {
    this.fileBytes = fileBytes;
  }

  private keep(b: number, max: number): void {
    if (this.len >= max) {
      this.dropped = true;
      return;
    }
    if (this.len === this.buf.length) {
      const grown = new Uint8Array(Math.min(max, this.buf.length * 2));
      grown.set(this.buf);
      this.buf = grown;
    }
    this.buf[this.len++] = b;
  }

  private text(): string {
    return this.decoder.decode(this.buf.subarray(0, this.len));
  }

  push(chunk: Uint8Array): void {
    const n = chunk.length;
    let i = 0;
    while (i < n) {
      const b = chunk[i]!;
      switch (this.state) {
        case State.Numbers:
          i = this.numbers(chunk, i);
          continue;
        case State.Strings: {
          const end = this.graph!.strings.readList(chunk, i);
          if (end < 0) return;
          this.state = State.KeyOrEnd;
          i = end;
          continue;
        }
        case State.Start:
          if (b === OPEN_BRACE) this.state = State.KeyOrEnd;
          else if (!isSpace(b)) bad('it does not begin with {"snapshot":');
          break;
        case State.KeyOrEnd:
          if (b === QUOTE) {
            this.state = State.Key;
            this.len = 0;
          } else if (b === CLOSE_BRACE) this.finish();
          else if (b !== COMMA && !isSpace(b)) bad(`unexpected "${String.fromCharCode(b)}" between the top-level fields`);
          break;
        case State.Key:
          if (b === QUOTE) {
            this.key = this.text();
            if (this.seen.has(this.key)) bad(`"${this.key}" appears twice`);
            if (!this.graph && this.key !== 'snapshot') bad('it does not begin with {"snapshot":');
            this.seen.add(this.key);
            this.state = State.Colon;
          } else this.keep(b, 64);
          break;
        case State.Colon:
          if (b === COLON) this.state = State.Value;
          else if (!isSpace(b)) bad(`no ":" after "${this.key}"`);
          break;
        case State.Value:
          if (isSpace(b)) break;
          this.startValue(b);
          break;
        case State.Header:
          this.keep(b, MAX_HEADER);
          if (this.dropped) bad('snapshot.meta is larger than 1 MB');
          if (this.scan(b) && this.depth === 0) {
            const meta = parseMeta(this.text(), this.fileBytes);
            this.graph = new SnapshotGraph(meta);
            this.state = State.KeyOrEnd;
          }
          break;
        case State.Skip:
          // a field the reader does not use: a nested value, skipped by depth outside strings
          if (this.scan(b) && this.depth === 0) this.state = State.KeyOrEnd;
          break;
        case State.Done:
          if (!isSpace(b)) bad('there is more after the end of the JSON');
          break;
      }
      i++;
    }
  }

  /** The hot loop: digits of a number list, with the state in locals; returns where the list (or chunk) ends. */
  private numbers(chunk: Uint8Array, from: number): number {
    const n = chunk.length;
    const batch = this.batch;
    let value = this.value;
    let digits = this.digits;
    let negative = this.negative;
    let count = this.batchCount;
    const batchSize = this.batchSize;
    let i = from;
    for (;;) {
      // a number's digits in their own loop: most bytes are digits
      const start = i;
      for (; i < n; i++) {
        const d = chunk[i]! - 0x30;
        if (d < 0 || d > 9) break;
        value = value * 10 + d;
      }
      if (i > start) digits = true;
      if (i === n) break;
      const b = chunk[i++]!;
      if (b === COMMA || b === CLOSE_BRACKET || b === OPEN_BRACKET || isSpace(b)) {
        if (digits) {
          batch[count++] = negative ? -value : value;
          negative = false;
          value = 0;
          digits = false;
          if (count === batchSize) {
            this.batchCount = count;
            this.flush();
            count = 0;
          }
        }
        if (b === OPEN_BRACKET) {
          this.depth++;
          if (this.sink === Sink.TraceTree) count = this.traceBracket(TRACE_OPEN, count);
        } else if (b === CLOSE_BRACKET) {
          if (--this.depth === 0) {
            this.batchCount = count;
            this.flush();
            count = 0;
            this.state = State.KeyOrEnd;
            break;
          }
          if (this.sink === Sink.TraceTree) count = this.traceBracket(TRACE_CLOSE, count);
        }
      } else if (b === MINUS && !digits && !negative) {
        // the graph's lists hold counts, indices and sizes: refused here, so the graph checks no sign
        if (this.sink === Sink.Nodes || this.sink === Sink.Edges || this.sink === Sink.Locations || this.sink === Sink.TraceTree) bad(`"${this.key}" holds a negative number`);
        negative = true;
      }
      else bad(`"${this.key}" holds something other than whole numbers`);
    }
    this.value = value;
    this.digits = digits;
    this.negative = negative;
    this.batchCount = count;
    return i;
  }

  /** The trace tree nests its children lists (no other list does): their brackets go to the graph in the batch too. */
  private traceBracket(marker: number, count: number): number {
    this.batch[count++] = marker;
    if (count < this.batchSize) return count;
    this.batchCount = count;
    this.flush();
    return 0;
  }

  /** Tracks strings and nesting of a value being copied or skipped; true outside a string. */
  private scan(b: number): boolean {
    if (this.inString) {
      if (this.escaped) this.escaped = false;
      else if (b === BACKSLASH) this.escaped = true;
      else if (b === QUOTE) this.inString = false;
      return false;
    }
    if (b === QUOTE) this.inString = true;
    else if (b === OPEN_BRACE || b === OPEN_BRACKET) this.depth++;
    else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) this.depth--;
    return true;
  }

  private startValue(b: number): void {
    const key = this.key;
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
    if (key === 'snapshot') {
      if (b !== OPEN_BRACE) bad('"snapshot" is not an object');
      this.len = 0;
      this.keep(b, MAX_HEADER);
      this.scan(b);
      this.state = State.Header;
      return;
    }
    const sink = NUMBER_KEYS[key];
    if (sink !== undefined || key === 'strings') {
      if (b !== OPEN_BRACKET) bad(`"${key}" is not a list`);
      if (sink === Sink.Edges && this.graph!.firstEdge[this.graph!.nodeCount] !== this.graph!.meta.edgeCount) bad('"edges" comes before all the "nodes" were read');
      this.depth = 1;
      this.sink = sink ?? Sink.None;
      this.value = 0;
      this.digits = false;
      this.negative = false;
      this.batchCount = 0;
      const m = this.graph!.meta;
      const row = sink === Sink.Nodes ? m.nodeFieldCount : sink === Sink.Edges ? m.edgeFieldCount : sink === Sink.Locations ? m.locationFieldCount : 1;
      this.batchSize = BATCH - (BATCH % row);
      this.state = key === 'strings' ? State.Strings : State.Numbers;
      return;
    }
    if (b !== OPEN_BRACE && b !== OPEN_BRACKET) bad(`"${key}" holds a value the reader does not know`);
    this.scan(b);
    this.state = State.Skip;
  }

  private flush(): void {
    const count = this.batchCount;
    this.batchCount = 0;
    const g = this.graph!;
    const batch = this.batch;
    switch (this.sink) {
      case Sink.Nodes:
        g.nodes(batch, count);
        break;
      case Sink.Edges:
        g.edges(batch, count);
        break;
      case Sink.Locations:
        g.locationNumbers(batch, count);
        break;
      case Sink.FunctionInfos:
        for (let k = 0; k < count; k++) g.functionInfos.push(batch[k]!);
        break;
      case Sink.TraceTree:
        g.traceTreeNumbers(batch, count);
        break;
    }
  }

  private finish(): void {
    if (!this.graph) bad('it has no snapshot.meta');
    for (const key of ['nodes', 'edges', 'strings']) if (!this.seen.has(key)) bad(`it has no "${key}"`);
    this.graph.check();
    this.state = State.Done;
  }

  /** After the last chunk: the graph, or an error saying the file was cut short. */
  end(): SnapshotGraph {
    if (this.state !== State.Done) {
      const g = this.graph;
      bad(`the file ends before the JSON does (cut short?${g ? `; the last field begun is "${this.key}"` : ''})`);
    }
    return this.graph!;
  }
}
