// File-and-line references in text a user has in front of them (a terminal, a log, a pasted
// traceback): Python tracebacks, tracemalloc's statistics, Node and Go stack frames. The text is
// anything (pod logs included), so work is bounded: long lines are skipped, results are capped.

export interface TextLocation {
  /** Offset of the link in the text, in UTF-16 code units, and its length. */
  readonly start: number;
  readonly length: number;
  /** The path as written (a file:// URL is turned into its path). */
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based, when the form has one (Node). */
  readonly column?: number;
}

const MAX_LINE = 4096;
const MAX_RESULTS = 200;
const MAX_LINE_NUMBER = 10_000_000;

// Each form gives the link's span as group 1, the path as group 2, then line (and column).
// A path is anything without whitespace, quotes or brackets that could not be part of the form.
const FORMS: readonly RegExp[] = [
  // Python:  File "/app/x.py", line 12, in f   (the span is File "…", line 12)
  /(File "([^"\r\n]{1,1024})", line (\d{1,9}))/dg,
  // tracemalloc statistics:  /app/x.py:12: size=1024 KiB, count=3 ...   (also relative: x.py:12: size=)
  /(?:^|\s)(([^\s"'<>():]{1,1024}):(\d{1,9})): size=/dg,
  // Node:  at f (/usr/src/app/x.js:10:5)   at /usr/src/app/x.js:10:5   at f (file:///app/x.mjs:1:2)
  /\bat (?:[^\s()][^()]{0,256}? \()?((file:\/\/\/[^\s()]{1,1024}?|\/[^\s():]{1,1024}|[A-Za-z]:\\[^\s():]{1,1024}):(\d{1,9}):(\d{1,9}))(?=\)|\s|$)/dg,
  // Go:  <tab>/src/x.go:42 +0x1d   (a goroutine dump's frame lines)
  /^\s+((\/[^\s:]{1,1024}\.go):(\d{1,9}))(?= \+0x[0-9a-f]+\s*$|\s*$)/dg,
];

function pathOf(written: string): string {
  if (!written.startsWith('file://')) return written;
  let path = written.slice('file://'.length);
  try {
    path = decodeURIComponent(path);
  } catch {
    // a stray % in a file name: the URL's path as written is the best there is
  }
  return /^\/[A-Za-z]:\//.test(path) ? path.slice(1) : path; // file:///C:/x.js
}

function inLine(line: string, offset: number, out: TextLocation[]): void {
  const found: TextLocation[] = [];
  for (const form of FORMS) {
    form.lastIndex = 0;
    for (let m = form.exec(line); m; m = form.exec(line)) {
      const span = m[1];
      const file = pathOf(m[2]);
      if (file.startsWith('<')) continue; // <frozen runpy>, <string>: no file to open
      const lineNo = Number(m[3]);
      const column = m[4] === undefined ? undefined : Number(m[4]);
      if (lineNo < 1 || lineNo > MAX_LINE_NUMBER || (column !== undefined && column < 1)) continue;
      const start = offset + (m.indices?.[1]?.[0] ?? m.index);
      found.push(column === undefined ? { start, length: span.length, file, line: lineNo } : { start, length: span.length, file, line: lineNo, column });
    }
  }
  // The forms are disjoint in practice; if two ever claim the same text, the first (leftmost) wins.
  found.sort((a, b) => a.start - b.start);
  let end = -1;
  for (const loc of found) {
    if (loc.start < end) continue;
    out.push(loc);
    end = loc.start + loc.length;
  }
}

export function findLocations(text: string): TextLocation[] {
  const out: TextLocation[] = [];
  let offset = 0;
  while (offset <= text.length && out.length < MAX_RESULTS) {
    let next = text.indexOf('\n', offset);
    if (next < 0) next = text.length;
    let end = next;
    if (end > offset && text.charCodeAt(end - 1) === 13) end--; // CRLF
    if (end - offset <= MAX_LINE) inLine(text.slice(offset, end), offset, out);
    offset = next + 1;
  }
  return out.slice(0, MAX_RESULTS);
}
