// A site in generated JavaScript (a bundled dist/*.js) back to its source (the .ts): the file's
// `//# sourceMappingURL=` (a file beside it, or an inline data: URL), else `<file>.map` beside it,
// read with @jridgewell/trace-mapping. Lines are 1-based on both sides; columns are 1-based in
// our sites and 0-based in source maps. Maps are only read where `allowed` says (the workspace),
// and bounded in size; a file without a usable map gives undefined (the site opens as it is).
import { GREATEST_LOWER_BOUND, LEAST_UPPER_BOUND, originalPositionFor, TraceMap } from '@jridgewell/trace-mapping';
import { readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface SourcePosition {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly name?: string;
}

/** Bundles and their maps are a few MB; nothing bigger is read. */
const MAX_BYTES = 64 * 2 ** 20;
const MAPPING_URL = /\/\/[#@] sourceMappingURL=([^\s'"]+)\s*$/;

interface Loaded { readonly mtimeMs: number; readonly map: TraceMap | undefined }
const cache = new Map<string, Loaded>();

async function small(path: string): Promise<{ text: string; mtimeMs: number } | undefined> {
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile() || info.size > MAX_BYTES) return undefined;
  return { text: await readFile(path, 'utf8'), mtimeMs: info.mtimeMs };
}

function parsed(json: string, mapUrl: string): TraceMap | undefined {
  try {
    return new TraceMap(json, mapUrl);
  } catch {
    return undefined;
  }
}

async function load(file: string, allowed: (path: string) => boolean): Promise<TraceMap | undefined> {
  const generated = await small(file);
  if (!generated) return undefined;
  const known = cache.get(file);
  if (known && known.mtimeMs === generated.mtimeMs) return known.map;
  // the comment is the file's last line (a bundler writes it last)
  const url = MAPPING_URL.exec(generated.text)?.[1];
  let map: TraceMap | undefined;
  if (url?.startsWith('data:')) {
    const comma = url.indexOf(',');
    const base64 = url.slice(0, comma).endsWith(';base64');
    const body = url.slice(comma + 1);
    map = comma > 0 ? parsed(base64 ? Buffer.from(body, 'base64').toString('utf8') : decodeURIComponent(body), pathToFileURL(file).href) : undefined;
  } else {
    const mapFile = url && !/^[a-z][\w+.-]*:/i.test(url) ? resolve(dirname(file), decodeURIComponent(url)) : `${file}.map`;
    const text = allowed(mapFile) ? await small(mapFile) : undefined;
    map = text ? parsed(text.text, pathToFileURL(mapFile).href) : undefined;
  }
  cache.set(file, { mtimeMs: generated.mtimeMs, map });
  return map;
}

/** Where `line`:`column` (1-based) of the generated `file` comes from, or undefined (no map, or no mapping there). */
export async function originalPosition(file: string, line: number, column: number | undefined, allowed: (path: string) => boolean): Promise<SourcePosition | undefined> {
  const map = await load(file, allowed);
  if (!map) return undefined;
  // a function's position is its parameter list, which a bundler may not map: the nearest mapping to its left on the line, else to its right
  const needle = { line, column: Math.max(0, (column ?? 1) - 1) };
  let pos = originalPositionFor(map, { ...needle, bias: GREATEST_LOWER_BOUND });
  if (pos.source === null) pos = originalPositionFor(map, { ...needle, bias: LEAST_UPPER_BOUND });
  if (pos.source === null) return undefined;
  const source = pos.source.startsWith('file:') ? fileURLToPath(pos.source) : isAbsolute(pos.source) ? pos.source : undefined;
  if (!source) return undefined;
  return { file: source, line: pos.line, column: pos.column + 1, ...(pos.name ? { name: pos.name } : {}) };
}
