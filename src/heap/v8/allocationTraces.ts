// Allocation sites from a snapshot taken while V8 tracked allocations (HeapProfiler.startTrackingHeapObjects
// with trackAllocations): each node's trace_node_id names a node of `trace_tree`, a call tree of
// functions (`trace_function_infos`: name, script, line and column, 1-based, 0 = unknown). An object
// belongs to the innermost frame of its stack that has a script (builtins such as JSON.stringify or
// Map.prototype.set have none: their objects go to the JavaScript function that called them).
import type { AllocationSite, StackFrame } from '../../triage/model.ts';
import { scriptPath } from '../node/samplingProfile.ts';
import { HeapFileError } from './heapFileError.ts';
import { isLibraryScript } from './heapProfile.ts';
import { TRACE_CLOSE, TRACE_OPEN, type SnapshotGraph } from './snapshotGraph.ts';

const MAX_FRAMES = 20;
const TRACE_NODE_FIELDS = 4; // id, function_info_index, count, size (then the children list)

/** trace node id -> its stack of frames with a script, innermost first (empty: none has one). */
function traceStacks(g: SnapshotGraph): Map<number, StackFrame[]> {
  const m = g.meta.traceFunction;
  const width = g.meta.traceFunctionFieldCount;
  const frames: (StackFrame | undefined)[] = [];
  const frameOf = (info: number): StackFrame | undefined => {
    if (info in frames) return frames[info];
    const row = info * width;
    if (row + width > g.functionInfos.length) throw new HeapFileError(`Not a readable V8 heap snapshot: a trace names function ${info}, and there are ${g.functionInfos.length / width}.`);
    const url = g.strings[g.functionInfos[row + m.scriptName]!] ?? '';
    const line = g.functionInfos[row + m.line]!;
    const name = g.strings[g.functionInfos[row + m.name]!] || '(anonymous)';
    const file = scriptPath(url);
    return (frames[info] = url && line > 0 ? { file, line, column: g.functionInfos[row + m.column]! || 1, functionName: name, library: isLibraryScript(file) } : undefined);
  };
  const stacks = new Map<number, StackFrame[]>();
  const parents: StackFrame[][] = [[]];
  const t = g.traceTree;
  let last: StackFrame[] = [];
  for (let i = 0; i < t.length;) {
    const v = t[i]!;
    if (v === TRACE_OPEN) { parents.push(last); i++; continue; }
    if (v === TRACE_CLOSE) { parents.pop(); i++; continue; }
    if (i + TRACE_NODE_FIELDS > t.length || parents.length === 0) throw new HeapFileError('Not a readable V8 heap snapshot: "trace_tree" is cut or badly nested.');
    const above = parents[parents.length - 1]!;
    const own = frameOf(t[i + 1]!);
    last = own ? [own, ...above.slice(0, MAX_FRAMES - 1)] : above;
    stacks.set(v, last);
    i += TRACE_NODE_FIELDS;
  }
  return stacks;
}

export const hasAllocationTraces = (g: SnapshotGraph): boolean => g.traceNodeId !== undefined && g.traceTree.length > 0;

/** Sites by where objects were allocated: every traced object, or (newerThanId) those newer than a first snapshot. */
export function allocationTraceSites(g: SnapshotGraph, newerThanId?: number): AllocationSite[] {
  const stacks = traceStacks(g);
  const sites = new Map<string, AllocationSite & { bytes: number; count: number; growthBytes: number; growthCount: number }>();
  const trace = g.traceNodeId!;
  for (let v = 0; v < g.nodeCount; v++) {
    const t = trace[v]!;
    if (t === 0) continue;
    const stack = stacks.get(t);
    const own = stack?.[0];
    if (!own) continue;
    const key = `${own.file}:${own.line}:${own.column}`;
    let site = sites.get(key);
    if (!site) {
      site = { file: own.file, line: own.line, column: own.column, functionName: own.functionName, library: own.library, traceback: stack, bytes: 0, count: 0, growthBytes: 0, growthCount: 0 };
      sites.set(key, site);
    }
    const size = g.selfSize[v]!;
    site.bytes += size;
    site.count++;
    if (newerThanId !== undefined && g.nodeId[v]! > newerThanId) {
      site.growthBytes += size;
      site.growthCount++;
    }
  }
  return [...sites.values()].map(({ growthBytes, growthCount, ...s }) => ({ ...s, ...(newerThanId !== undefined ? { growthBytes, growthCount } : {}) }));
}
