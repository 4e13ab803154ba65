// What a heap snapshot holds, summed two ways: by constructor (count, self size, retained size
// from the dominator tree) and by site: where each object was allocated when the snapshot was taken
// with allocation tracking (allocationTraces.ts), else V8's `locations` (where each function was
// defined and each object's constructor is). V8's lines and columns are 0-based; shown 1-based.
import type { AllocationGroup, AllocationReport, AllocationSite, StackFrame } from '../../triage/model.ts';
import { allocationTraceSites, hasAllocationTraces } from './allocationTraces.ts';
import { isLibraryScript } from './heapProfile.ts';
import { classRetainedSizes, dominatorTree, retainedSizes } from './dominators.ts';
import { NO_NODE, type SnapshotGraph } from './snapshotGraph.ts';

/** Rows a report keeps (the biggest); a saved report holds at most 10,000. */
const MAX_ROWS = 2000;

export interface SummaryOptions {
  /** The file's name or path, said in the report. */
  readonly source: string;
  readonly takenAt: Date;
  /** Objects with a node id above this were allocated after an earlier snapshot: counted as growth. */
  readonly newerThanId?: number;
}

export interface SnapshotSummary {
  readonly report: AllocationReport;
  /** The highest node id: a later snapshot's objects above it are new. */
  readonly maxNodeId: number;
}

/** DevTools' class names: an object's constructor, or the kind of a V8-internal thing. */
function classNames(g: SnapshotGraph): { classOf: Uint32Array; names: string[] } {
  const types = g.meta.nodeTypes;
  const names: string[] = [];
  const index = new Map<string, number>();
  const byName = new Int32Array(g.strings.length).fill(-1);
  const byType = new Int32Array(types.length).fill(-1);
  const classOf = new Uint32Array(g.nodeCount);
  // objects and native things are named by their constructor; the rest by their kind
  const named = Uint8Array.from(types, (t) => (t === 'object' || t === 'native' ? 1 : 0));
  const fixed: Record<string, string> = { hidden: '(system)', code: '(compiled code)', closure: '(closure)', regexp: 'RegExp' };
  const add = (name: string) => {
    let c = index.get(name);
    if (c === undefined) index.set(name, (c = names.push(name) - 1));
    return c;
  };
  for (let v = 0; v < g.nodeCount; v++) {
    const t = g.nodeType[v]!;
    if (named[t]) {
      const s = g.nodeName[v]!;
      if (byName[s]! < 0) byName[s] = add(g.strings.get(s) || '(anonymous)');
      classOf[v] = byName[s]!;
    } else {
      if (byType[t]! < 0) byType[t] = add(fixed[types[t]!] ?? `(${types[t]})`);
      classOf[v] = byType[t]!;
    }
  }
  return { classOf, names };
}

/** Script id -> URL: a function's SharedFunctionInfo points at its Script, which is named by its URL. */
function scriptNames(g: SnapshotGraph): Map<number, string> {
  const out = new Map<number, string>();
  const types = g.meta.nodeTypes;
  const closure = types.indexOf('closure');
  const code = types.indexOf('code');
  const str = types.indexOf('string');
  const targets = (v: number, type: number) => {
    const r: number[] = [];
    for (let e = g.firstEdge[v]!; e < g.firstEdge[v + 1]!; e++) {
      const w = g.edgeTo[e]!;
      if (w !== NO_NODE && g.nodeType[w] === type) r.push(w);
    }
    return r;
  };
  for (let k = 0; k < g.locationCount; k++) {
    const node = g.locations[k * 4]!;
    const script = g.locations[k * 4 + 1]!;
    if (out.has(script) || g.nodeType[node] !== closure) continue;
    search: for (const shared of targets(node, code)) {
      for (const s of targets(shared, code)) {
        const name = g.nodeName[s]!;
        if (g.strings.size(name) > 0 && targets(s, str).some((u) => g.nodeName[u] === name)) {
          out.set(script, g.strings.get(name));
          break search;
        }
      }
    }
  }
  return out;
}

/** A script the snapshot does not name (`script 12`) is not the service's own code either. */
const isLibrary = (file: string) => isLibraryScript(file) || file.startsWith('script ');

interface Site { file: string; line: number; column?: number; functionName?: string; traceback?: readonly StackFrame[]; bytes: number; count: number; growthBytes: number; growthCount: number }

function top<T>(rows: T[], size: (r: T) => number): T[] {
  return rows.sort((a, b) => size(b) - size(a)).slice(0, MAX_ROWS);
}

/** By allocation location: V8's `locations`, each object's constructor or function definition. */
function locationSites(g: SnapshotGraph, classOf: Uint32Array, names: readonly string[], newer: number | undefined): Site[] {
  const scripts = scriptNames(g);
  const closure = g.meta.nodeTypes.indexOf('closure');
  const byScript = new Map<number, Map<number | string, Site>>();
  const siteList: Site[] = [];
  const locations = g.locations;
  for (let k = 0; k < g.locationCount; k++) {
    const node = locations[k * 4]!;
    const script = locations[k * 4 + 1]!;
    const line = locations[k * 4 + 2]!;
    const column = locations[k * 4 + 3]!;
    let inScript = byScript.get(script);
    if (!inScript) byScript.set(script, (inScript = new Map()));
    // a number for the line and column while it is exact (lines below 2^21), else a string
    const key = line < 2 ** 21 ? line * 2 ** 32 + column : `${line}:${column}`;
    let site = inScript.get(key);
    if (!site) {
      site = { file: scripts.get(script) ?? `script ${script}`, line: line + 1, column: column + 1, functionName: names[classOf[node]!]!, bytes: 0, count: 0, growthBytes: 0, growthCount: 0 };
      inScript.set(key, site);
      siteList.push(site);
    }
    // a function defined here names the site better than the constructor of its objects
    if (g.nodeType[node] === closure && g.strings.size(g.nodeName[node]!) > 0) site.functionName = g.strings.get(g.nodeName[node]!);
    site.bytes += g.selfSize[node]!;
    site.count++;
    if (newer !== undefined && g.nodeId[node]! > newer) {
      site.growthBytes += g.selfSize[node]!;
      site.growthCount++;
    }
  }
  return siteList;
}

/** The biggest sites (by growth with two snapshots); read before the dominator tree reuses the node ids. */
function sites(g: SnapshotGraph, classOf: Uint32Array, names: readonly string[], newer: number | undefined): AllocationSite[] {
  const rows = hasAllocationTraces(g) ? allocationTraceSites(g, newer) : locationSites(g, classOf, names, newer);
  return top(rows, (s) => (newer !== undefined ? s.growthBytes : s.bytes)).map(({ growthBytes, growthCount, ...s }) => ({
    ...s, library: isLibrary(s.file), ...(newer !== undefined ? { growthBytes, growthCount } : {}),
  }));
}

/** A graph is summarised once: its node ids, names and edges are overwritten once read (memory reused for the dominator tree). */
export function summarize(g: SnapshotGraph, options: SummaryOptions): SnapshotSummary {
  const n = g.nodeCount;
  const newer = options.newerThanId;
  const { classOf, names } = classNames(g);
  const count = new Float64Array(names.length);
  const self = new Float64Array(names.length);
  const grownCount = new Float64Array(names.length);
  const grownBytes = new Float64Array(names.length);
  let total = 0;
  let maxNodeId = 0;
  for (let v = 0; v < n; v++) {
    const c = classOf[v]!;
    const size = g.selfSize[v]!;
    count[c]!++;
    self[c]! += size;
    total += size;
    const id = g.nodeId[v]!;
    if (id > maxNodeId) maxNodeId = id;
    if (newer !== undefined && id > newer) {
      grownCount[c]!++;
      grownBytes[c]! += size;
    }
  }
  const traced = hasAllocationTraces(g);
  const siteRows = sites(g, classOf, names, newer);
  // ids and names are not read again: their arrays hold the DFS's numbering; nor the edges: the last step's work space
  const tree = dominatorTree(n, g.firstEdge, g.edgeTo, 0, { post: g.nodeId, order: g.nodeName });
  const retained = retainedSizes(g.selfSize, tree);
  const classRetained = classRetainedSizes(classOf, names.length, retained, tree, g.edgeTo);
  const growth = newer !== undefined ? (c: number) => ({ growthBytes: grownBytes[c]!, growthCount: grownCount[c]! }) : () => ({});
  const groups: AllocationGroup[] = top(
    // the synthetic root and GC-root groups retain everything: not a constructor to look at
    names.map((name, c) => ({ name, count: count[c]!, selfBytes: self[c]!, retainedBytes: classRetained[c]!, ...growth(c) })).filter((r) => r.name !== '(synthetic)'),
    // two snapshots: what grew most first (the growth table); one: what holds most
    (r: AllocationGroup) => (newer !== undefined ? r.growthBytes ?? 0 : r.retainedBytes ?? 0),
  );
  const grownTotal = newer !== undefined ? grownBytes.reduce((a, b) => a + b, 0) : undefined;
  const report: AllocationReport = {
    sourceFile: options.source,
    runtime: 'node',
    takenAt: options.takenAt,
    totalBytes: total,
    totalCount: n,
    ...(grownTotal !== undefined ? { growthBytes: grownTotal } : {}),
    sites: siteRows,
    groups,
    method: {
      description: `V8 heap snapshot ${options.source}${newer !== undefined ? `, objects newer than node id ${newer}` : ''}`,
      measure: newer !== undefined ? 'growth' : 'size',
      notes: [
        `${n.toLocaleString('en-US')} objects and ${g.meta.edgeCount.toLocaleString('en-US')} references read; ${tree.order.length.toLocaleString('en-US')} reachable from the root.`,
        'Retained size from the dominator tree (weak references ignored); a constructor\'s retained size counts an object inside another of the same constructor once.',
        traced
          ? 'Sites are where each object was allocated (V8 allocation tracking): the innermost function of its stack that has a script, at the function\'s line, 1-based.'
          : 'Sites are where each object\'s constructor or function is defined (V8 "locations"), 1-based.',
      ],
    },
  };
  return { report, maxNodeId };
}
