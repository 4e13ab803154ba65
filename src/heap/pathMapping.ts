// Container path -> workspace path, the way a debugger's sourceMapping does it: the user's rules
// first, else the longest trailing run of path components that one workspace file shares with
// the container path. A tie or no candidate is said as such: a site is never opened at a file
// that only might be the one (issue 9, "never opened at a wrong file").

export interface PathMappingRule {
  readonly remoteRoot: string;
  readonly localRoot: string;
}

export type MappedPath =
  | { readonly kind: 'mapped'; readonly path: string; readonly by: 'rule' | 'suffix' }
  | { readonly kind: 'ambiguous'; readonly candidates: string[] }
  | { readonly kind: 'unmatched' };

const SETTING = 'memoryTriage.pathMappings';
const MAX_RULES = 200;
const MAX_PATH = 4096;

/** A path split into its root ('' for posix '/', 'C:' or '\\server\share' on Windows, undefined when relative) and components. */
interface Parsed {
  readonly root: string | undefined;
  readonly sep: '/' | '\\';
  readonly parts: readonly string[];
}

const DRIVE = /^[A-Za-z]:(?:[\\/]|$)/;
const UNC = /^\\\\[^\\/]+[\\/][^\\/]+/;

function parse(path: string): Parsed {
  let root: string | undefined;
  let rest = path;
  let windows = false;
  if (DRIVE.test(path)) {
    root = path.slice(0, 2);
    rest = path.slice(2);
    windows = true;
  } else if (UNC.test(path)) {
    const m = UNC.exec(path)![0];
    root = m.replace(/\//g, '\\');
    rest = path.slice(m.length);
    windows = true;
  } else if (path.startsWith('/')) {
    root = '';
  } else if (path.includes('\\') && !path.includes('/')) {
    windows = true; // a relative Windows path ("app\\handlers.py")
  }
  // A container path may hold a backslash in a name; only Windows paths split on it.
  const raw = rest.split(windows ? /[\\/]/ : '/');
  const parts: string[] = [];
  for (const p of raw) {
    if (p === '' || p === '.') continue;
    if (p === '..' && root !== undefined) {
      parts.pop();
      continue;
    }
    parts.push(p);
  }
  return { root, sep: windows ? '\\' : '/', parts };
}

function join(p: Parsed, parts: readonly string[] = p.parts): string {
  if (p.root === undefined) return parts.join(p.sep);
  return `${p.root}${p.sep}${parts.join(p.sep)}`;
}

function isAbsolute(path: string): boolean {
  return path.startsWith('/') || DRIVE.test(path) || UNC.test(path);
}

/** `${workspaceFolder}` is the first folder, `${workspaceFolder:name}` the named one; nothing else is expanded. */
function expand(value: string, folders: readonly { name: string; path: string }[], where: string, problems: string[]): string | undefined {
  let failed = false;
  const out = value.replace(/\$\{([^}]*)\}/g, (whole, name: string) => {
    if (name === 'workspaceFolder') {
      if (folders.length > 0) return folders[0].path;
      problems.push(`${where} uses \${workspaceFolder}, but no workspace folder is open.`);
    } else if (name.startsWith('workspaceFolder:')) {
      const wanted = name.slice('workspaceFolder:'.length);
      const folder = folders.find((f) => f.name === wanted);
      if (folder) return folder.path;
      const open = folders.map((f) => f.name).join(', ') || 'none';
      problems.push(`${where} names the workspace folder "${wanted}", which is not open (open: ${open}).`);
    } else {
      problems.push(`${where} uses ${whole}; only \${workspaceFolder} and \${workspaceFolder:name} are expanded.`);
    }
    failed = true;
    return whole;
  });
  return failed ? undefined : out;
}

function ruleAt(entry: unknown, i: number, folders: readonly { name: string; path: string }[], problems: string[]): PathMappingRule | undefined {
  const where = `${SETTING}[${i}]`;
  if (!entry || typeof entry !== 'object' || Array.isArray(entry)) {
    problems.push(`${where} is not an object with remoteRoot and localRoot.`);
    return undefined;
  }
  const { remoteRoot, localRoot } = entry as Record<string, unknown>;
  if (typeof remoteRoot !== 'string' || remoteRoot.trim() === '' || remoteRoot.length > MAX_PATH) {
    problems.push(`${where}.remoteRoot must be a container path such as "/app".`);
    return undefined;
  }
  if (!isAbsolute(remoteRoot)) {
    problems.push(`${where}.remoteRoot "${remoteRoot}" is not absolute; container paths start with "/".`);
    return undefined;
  }
  if (typeof localRoot !== 'string' || localRoot.trim() === '' || localRoot.length > MAX_PATH) {
    problems.push(`${where}.localRoot must be a folder such as "\${workspaceFolder}/services/api".`);
    return undefined;
  }
  const local = expand(localRoot, folders, `${where}.localRoot`, problems);
  if (local === undefined) return undefined;
  if (!isAbsolute(local)) {
    problems.push(`${where}.localRoot "${localRoot}" is not absolute; start it with \${workspaceFolder}.`);
    return undefined;
  }
  return { remoteRoot: join(parse(remoteRoot)), localRoot: join(parse(local)) };
}

/** Reads the setting's value; bad entries are left out and each is said in `problems`. */
export function resolveRules(raw: unknown, folders: readonly { name: string; path: string }[]): { rules: PathMappingRule[]; problems: string[] } {
  const rules: PathMappingRule[] = [];
  const problems: string[] = [];
  if (raw === undefined || raw === null) return { rules, problems };
  if (!Array.isArray(raw)) {
    problems.push(`${SETTING} must be a list of { "remoteRoot": ..., "localRoot": ... } objects.`);
    return { rules, problems };
  }
  if (raw.length > MAX_RULES) problems.push(`${SETTING} has ${raw.length} entries; only the first ${MAX_RULES} are used.`);
  raw.slice(0, MAX_RULES).forEach((entry, i) => {
    const rule = ruleAt(entry, i, folders, problems);
    if (!rule) return;
    const first = rules.findIndex((r) => r.remoteRoot === rule.remoteRoot);
    if (first >= 0) {
      problems.push(`${SETTING}[${i}] repeats the remoteRoot "${rule.remoteRoot}"; the first entry for it is used.`);
      return;
    }
    rules.push(rule);
  });
  return { rules, problems };
}

interface IndexedFile {
  readonly path: string;
  readonly parts: readonly string[];
}

/** The workspace's files by basename, for the suffix match. Bounded: a huge workspace is cut at `max`. */
export class WorkspaceIndex {
  private readonly byName = new Map<string, IndexedFile[]>();
  readonly size: number;
  /** True when there were more files than `max`: an unmatched path may then exist after all. */
  readonly truncated: boolean;

  constructor(paths: Iterable<string>, max = 100_000) {
    let size = 0;
    let truncated = false;
    const seen = new Set<string>();
    for (const path of paths) {
      if (typeof path !== 'string' || path.length > MAX_PATH || !isAbsolute(path) || seen.has(path)) continue;
      if (size >= max) {
        truncated = true;
        break;
      }
      const { parts } = parse(path);
      const name = parts.at(-1);
      if (name === undefined) continue;
      seen.add(path);
      size++;
      const list = this.byName.get(name);
      if (list) list.push({ path, parts });
      else this.byName.set(name, [{ path, parts }]);
    }
    this.size = size;
    this.truncated = truncated;
  }

  /** @internal the files with this basename, in the order given. */
  withName(name: string): readonly IndexedFile[] {
    return this.byName.get(name) ?? [];
  }
}

function commonTail(a: readonly string[], b: readonly string[]): number {
  let n = 0;
  while (n < a.length && n < b.length && a[a.length - 1 - n] === b[b.length - 1 - n]) n++;
  return n;
}

function byRule(remote: Parsed, rules: readonly PathMappingRule[]): string | undefined {
  let best: { local: Parsed; depth: number } | undefined;
  for (const rule of rules) {
    const root = parse(rule.remoteRoot);
    if (root.root !== remote.root || root.parts.length > remote.parts.length) continue;
    if (!root.parts.every((p, i) => p === remote.parts[i])) continue;
    if (!best || root.parts.length > best.depth) best = { local: parse(rule.localRoot), depth: root.parts.length };
  }
  if (!best) return undefined;
  return join(best.local, [...best.local.parts, ...remote.parts.slice(best.depth)]);
}

/**
 * Where a container path is in the workspace, if that can be told without guessing. `minMatch`
 * (default 1, the basename) is how many trailing components a suffix match must share: a caller
 * may ask 2 for library frames, whose generic names (`__init__.py`) a service's own files reuse.
 */
export function mapPath(remote: string, rules: readonly PathMappingRule[], index: WorkspaceIndex, options: { readonly minMatch?: number } = {}): MappedPath {
  if (typeof remote !== 'string' || remote.length === 0 || remote.length > MAX_PATH) return { kind: 'unmatched' };
  const parsed = parse(remote);
  const ruled = byRule(parsed, rules);
  if (ruled !== undefined) return { kind: 'mapped', path: ruled, by: 'rule' };
  const name = parsed.parts.at(-1);
  if (name === undefined) return { kind: 'unmatched' };
  let bestScore = 0;
  let best: string[] = [];
  for (const file of index.withName(name)) {
    const score = commonTail(parsed.parts, file.parts);
    if (score > bestScore) {
      bestScore = score;
      best = [file.path];
    } else if (score === bestScore) {
      best.push(file.path);
    }
  }
  if (best.length === 0 || bestScore < (options.minMatch ?? 1)) return { kind: 'unmatched' };
  if (best.length === 1) return { kind: 'mapped', path: best[0], by: 'suffix' };
  return { kind: 'ambiguous', candidates: best.sort() };
}

/**
 * The rule "Map path..." writes when the user picks `local` for `remote`: the components both end
 * in are dropped, so the rule maps the whole folder the two differ at. The remote root keeps at
 * least one component, so a rule never maps the container's `/`.
 */
export function ruleFor(remote: string, local: string): PathMappingRule | undefined {
  if (!isAbsolute(remote) || !isAbsolute(local) || remote.length > MAX_PATH || local.length > MAX_PATH) return undefined;
  const r = parse(remote);
  const l = parse(local);
  if (r.parts.length === 0 || l.parts.length === 0) return undefined;
  const strip = Math.min(commonTail(r.parts, l.parts), r.parts.length - 1, l.parts.length);
  return { remoteRoot: join(r, r.parts.slice(0, r.parts.length - strip)), localRoot: join(l, l.parts.slice(0, l.parts.length - strip)) };
}
