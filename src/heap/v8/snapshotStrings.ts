// The `strings` of a heap snapshot as their raw JSON bytes in one buffer, with where each ends:
// a snapshot has millions of strings and the summary reads a few thousand of them, so they are
// decoded when asked for, not made into millions of JS strings while the file streams.
import { HeapFileError } from './heapFileError.ts';

const QUOTE = 0x22, BACKSLASH = 0x5c, COMMA = 0x2c, CLOSE_BRACKET = 0x5d;
/** A string beyond this is kept cut (script sources can be MBs). */
const MAX_STRING = 1 << 16;

export class SnapshotStrings {
  private bytes = new Uint8Array(1 << 20);
  private used = 0;
  /** String i is bytes[ends[i - 1] .. ends[i]). */
  private ends = new Uint32Array(1 << 16);
  private count = 0;
  private start = 0;
  /** The string being read holds a backslash. */
  private hasEscape = false;
  private inString = false;
  private escaped = false;
  private readonly cut = new Set<number>();
  private readonly decoder = new TextDecoder('utf-8', { fatal: false });

  get length(): number {
    return this.count;
  }

  /** The `strings` list from a chunk, after its "[": where its "]" ends, or -1 when the chunk ends first. */
  readList(chunk: Uint8Array, from: number): number {
    const n = chunk.length;
    for (let i = from; i < n; i++) {
      if (this.inString) {
        const start = i;
        let escaped = this.escaped;
        let backslash = false;
        for (; i < n; i++) {
          const b = chunk[i]!;
          if (escaped) escaped = false;
          else if (b === BACKSLASH) backslash = escaped = true;
          else if (b === QUOTE) break;
        }
        this.escaped = escaped;
        this.append(chunk, start, i, backslash);
        if (i === n) return -1;
        this.inString = false;
        this.close();
        continue;
      }
      const b = chunk[i]!;
      if (b === QUOTE) this.inString = true;
      else if (b === CLOSE_BRACKET) return i + 1;
      else if (b !== COMMA && b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) {
        throw new HeapFileError('Not a readable V8 heap snapshot: "strings" holds something other than strings.');
      }
    }
    return -1;
  }

  /** Bytes of the string being read, from a chunk (a string may span chunks). */
  private append(chunk: Uint8Array, from: number, to: number, backslash: boolean): void {
    if (backslash) this.hasEscape = true;
    const room = MAX_STRING - (this.used - this.start);
    if (to - from > room) {
      this.cut.add(this.count);
      to = from + Math.max(0, room);
    }
    if (to === from) return;
    if (this.used + to - from > this.bytes.length) this.bytes = grow(this.bytes, this.used + to - from);
    if (to - from > 32) this.bytes.set(chunk.subarray(from, to), this.used);
    else for (let i = from, at = this.used; i < to; i++, at++) this.bytes[at] = chunk[i]!; // most are short: no subarray
    this.used += to - from;
  }

  /** The closing quote: an escaped string is checked now, so a corrupt one is refused while reading. */
  private close(): void {
    if (this.used >= 2 ** 32) throw new HeapFileError('Not a readable V8 heap snapshot: its strings hold more than 4 GiB.');
    if (this.count === this.ends.length) this.ends = grow(this.ends, this.count + 1);
    this.ends[this.count++] = this.used;
    if (this.hasEscape) this.get(this.count - 1);
    this.hasEscape = false;
    this.start = this.used;
  }

  /** Bytes of string i as stored: 0 for the empty string. */
  size(i: number): number {
    return this.ends[i]! - (i === 0 ? 0 : this.ends[i - 1]!);
  }

  get(i: number): string {
    const from = i === 0 ? 0 : this.ends[i - 1]!;
    const raw = this.bytes.subarray(from, this.ends[i]!);
    let s = this.decoder.decode(raw);
    if (!raw.includes(BACKSLASH)) return s;
    // a cut string may end inside an escape: drop the partial escape, then let JSON undo the rest
    if (this.cut.has(i)) s = s.replace(/\\(u[0-9a-fA-F]{0,3})?$/, '');
    try {
      return JSON.parse(`"${s}"`) as string;
    } catch {
      throw new HeapFileError(`Not a readable V8 heap snapshot: string ${i} is not a valid JSON string.`);
    }
  }
}

/** A copy of `a` with room for at least `need` elements. */
export function grow<T extends Uint8Array | Uint32Array>(a: T, need: number): T {
  const grown = new (a.constructor as new (n: number) => T)(Math.max(need, Math.ceil(a.length * 1.5)));
  grown.set(a);
  return grown;
}
