// What a heap snapshot holds, summed two ways: by constructor (count, self size, retained size
// from the dominator tree) and by allocation location (V8's `locations`: where each function
// was defined and each object's constructor is). V8's lines and columns are 0-based; shown 1-based.
import type { AllocationGroup, AllocationReport, AllocationSite } from '../../triage/model.ts';
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
  const named = (t: string) => t === 'object' || t === 'native';
  const fixed: Record<string, string> = { hidden: '(system)', code: '(compiled code)', closure: '(closure)', regexp: 'RegExp' };
  const add = (name: string) => {
    let c = index.get(name);
    if (c === undefined) index.set(name, (c = names.push(name) - 1));
    return c;
  };
  for (let v = 0; v < g.nodeCount; v++) {
    const t = g.nodeType[v]!;
    if (named(types[t]!)) {
      const s = g.nodeName[v]!;
      if (byName[s]! < 0) byName[s] = add(g.strings[s] || '(anonymous)');
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
        if (g.strings[name] && targets(s, str).some((u) => g.nodeName[u] === name)) {
          out.set(script, g.strings[name]!);
          break search;
        }
      }
    }
  }
  return out;
}

/** A script the snapshot does not name (`script 12`) is not the service's own code either. */
const isLibrary = (file: string) => isLibraryScript(file) || file.startsWith('script ');

function top<T>(rows: T[], size: (r: T) => number): T[] {
  return rows.sort((a, b) => size(b) - size(a)).slice(0, MAX_ROWS);
}

/** Sites by V8's `locations`: where each object's constructor or function is defined. */
function locationSites(g: SnapshotGraph, classOf: Uint32Array, names: string[], newer: number | undefined): AllocationSite[] {
  const scripts = scriptNames(g);
  const closure = g.meta.nodeTypes.indexOf('closure');
  const sites = new Map<string, { file: string; line: number; column: number; functionName: string; bytes: number; count: number; growthBytes: number; growthCount: number }>();
  for (let k = 0; k < g.locationCount; k++) {
    const [node, script, line, column] = g.locations.subarray(k * 4, k * 4 + 4) as unknown as [number, number, number, number];
    const key = `${script}:${line}:${column}`;
    let site = sites.get(key);
    if (!site) {
      const file = scripts.get(script) ?? `script ${script}`;
      sites.set(key, (site = { file, line: line + 1, column: column + 1, functionName: names[classOf[node]!]!, bytes: 0, count: 0, growthBytes: 0, growthCount: 0 }));
    }
    // a function defined here names the site better than the constructor of its objects
    if (g.nodeType[node] === closure && g.strings[g.nodeName[node]!]) site.functionName = g.strings[g.nodeName[node]!]!;
    site.bytes += g.selfSize[node]!;
    site.count++;
    if (newer !== undefined && g.nodeId[node]! > newer) {
      site.growthBytes += g.selfSize[node]!;
      site.growthCount++;
    }
  }
  return [...sites.values()].map(({ growthBytes, growthCount, ...s }) => ({
    ...s, library: isLibrary(s.file), ...(newer !== undefined ? { growthBytes, growthCount } : {}),
  }));
}

export function summarize(g: SnapshotGraph, options: SummaryOptions): SnapshotSummary {
  const n = g.nodeCount;
  const newer = options.newerThanId;
  const { classOf, names } = classNames(g);
  const tree = dominatorTree(n, g.firstEdge, g.edgeTo, 0);
  const retained = retainedSizes(g.selfSize, tree);
  const classRetained = classRetainedSizes(classOf, names.length, retained, tree);
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
  const growth = newer !== undefined ? (c: number) => ({ growthBytes: grownBytes[c]!, growthCount: grownCount[c]! }) : () => ({});
  const groups: AllocationGroup[] = top(
    // the synthetic root and GC-root groups retain everything: not a constructor to look at
    names.map((name, c) => ({ name, count: count[c]!, selfBytes: self[c]!, retainedBytes: classRetained[c]!, ...growth(c) })).filter((r) => r.name !== '(synthetic)'),
    // two snapshots: what grew most first (the growth table); one: what holds most
    (r: AllocationGroup) => (newer !== undefined ? r.growthBytes ?? 0 : r.retainedBytes ?? 0),
  );
  const traced = hasAllocationTraces(g);
  const siteRows = top(traced ? allocationTraceSites(g, newer) : locationSites(g, classOf, names, newer), (s) => (newer !== undefined ? s.growthBytes ?? 0 : s.bytes));
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
