// The `strings` of a heap snapshot as their raw JSON bytes in one buffer, with where each ends:
// a snapshot has millions of strings and the summary reads a few thousand of them, so they are
// decoded when asked for, not made into millions of JS strings while the file streams.
import { HeapFileError } from './heapFileError.ts';

const BACKSLASH = 0x5c;
/** A string beyond this is kept cut (script sources can be MBs). */
const MAX_STRING = 1 << 16;

export class SnapshotStrings {
  private bytes = new Uint8Array(1 << 20);
  private used = 0;
  /** String i is bytes[ends[i - 1] .. ends[i]). */
  private ends = new Uint32Array(1 << 16);
  private count = 0;
  private start = 0;
  private escaped = false;
  private readonly cut = new Set<number>();
  private readonly decoder = new TextDecoder('utf-8', { fatal: false });

  get length(): number {
    return this.count;
  }

  /** Bytes of the string being read, from a chunk (a string may span chunks). */
  append(chunk: Uint8Array, from: number, to: number, escaped: boolean): void {
    if (escaped) this.escaped = true;
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
  close(): void {
    if (this.used >= 2 ** 32) throw new HeapFileError('Not a readable V8 heap snapshot: its strings hold more than 4 GiB.');
    if (this.count === this.ends.length) this.ends = grow(this.ends, this.count + 1);
    this.ends[this.count++] = this.used;
    if (this.escaped) this.get(this.count - 1);
    this.escaped = false;
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

function grow<T extends Uint8Array | Uint32Array>(a: T, need: number): T {
  const grown = new (a.constructor as new (n: number) => T)(Math.max(need, Math.ceil(a.length * 1.5)));
  grown.set(a);
  return grown;
}
