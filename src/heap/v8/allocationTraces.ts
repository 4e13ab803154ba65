// Allocation sites from a snapshot taken while V8 tracked allocations (HeapProfiler.startTrackingHeapObjects
// with trackAllocations): each node's trace_node_id names a node of `trace_tree`, a call tree of
// functions (`trace_function_infos`: name, script, line and column, 1-based, 0 = unknown). An object
// belongs to the innermost frame of its stack that has a script (builtins such as JSON.stringify or
// Map.prototype.set have none: their objects go to the JavaScript function that called them).
import type { AllocationSite, StackFrame } from '../../triage/model.ts';
import { scriptPath } from '../node/samplingProfile.ts';
import { HeapFileError } from './heapFileError.ts';
import { isLibraryScript } from './heapProfile.ts';
import { NO_NODE, type SnapshotGraph } from './snapshotGraph.ts';

const MAX_FRAMES = 20;

export const hasAllocationTraces = (g: SnapshotGraph): boolean => g.traceNodeId !== undefined && g.traceNodeCount > 0;

/** The frame of a trace_function_infos row, or undefined when it has no script (a builtin). */
function frameReader(g: SnapshotGraph): (info: number) => StackFrame | undefined {
  const m = g.meta.traceFunction;
  const width = g.meta.traceFunctionFieldCount;
  const infos = g.functionInfos;
  const strings = g.strings;
  const string = (i: number) => {
    if (!Number.isInteger(i) || i >= strings.length) throw new HeapFileError(`Not a readable V8 heap snapshot: a trace function is named by string ${i}, and there are ${strings.length} strings.`);
    return strings.get(i);
  };
  const frames = new Map<number, StackFrame | undefined>();
  return (info) => {
    if (frames.has(info)) return frames.get(info);
    const row = info * width;
    if (row + width > infos.length) throw new HeapFileError(`Not a readable V8 heap snapshot: a trace names function ${info}, and there are ${infos.length / width}.`);
    const url = string(infos[row + m.scriptName]!);
    const line = infos[row + m.line]!;
    const file = scriptPath(url);
    const frame = url && line > 0
      ? { file, line, column: infos[row + m.column]! || 1, functionName: string(infos[row + m.name]!) || '(anonymous)', library: isLibraryScript(file) }
      : undefined;
    frames.set(info, frame);
    return frame;
  };
}

/** Per trace tree row, the row of the innermost frame of its stack that has a script (NO_NODE: none), and trace id -> row. */
function innermostFrames(g: SnapshotGraph, frameOf: (info: number) => StackFrame | undefined): { framed: Uint32Array; rowOf: Map<number, number> } {
  const t = g.traceNodes;
  const framed = new Uint32Array(g.traceNodeCount);
  const rowOf = new Map<number, number>();
  for (let r = 0; r < g.traceNodeCount; r++) {
    rowOf.set(t[r * 3]!, r);
    const parent = t[r * 3 + 2]!;
    // parents come before their children
    framed[r] = frameOf(t[r * 3 + 1]!) ? r : parent === NO_NODE ? NO_NODE : framed[parent]!;
  }
  return { framed, rowOf };
}

/** The stack from a trace tree row outwards, frames with a script only. */
function traceback(g: SnapshotGraph, row: number, frameOf: (info: number) => StackFrame | undefined): StackFrame[] {
  const stack: StackFrame[] = [];
  for (let r = row; r !== NO_NODE && stack.length < MAX_FRAMES; r = g.traceNodes[r * 3 + 2]!) {
    const frame = frameOf(g.traceNodes[r * 3 + 1]!);
    if (frame) stack.push(frame);
  }
  return stack;
}

interface TraceSite extends AllocationSite { bytes: number; count: number; growthBytes: number; growthCount: number }

/** Sites by where objects were allocated: every traced object, and (newerThanId) those newer than a first snapshot.
 * Reads node ids: call it before the dominator tree reuses their array. */
export function allocationTraceSites(g: SnapshotGraph, newerThanId?: number): TraceSite[] {
  const frameOf = frameReader(g);
  const { framed, rowOf } = innermostFrames(g, frameOf);
  const byRow = new Map<number, TraceSite>();
  const byKey = new Map<string, TraceSite>();
  const trace = g.traceNodeId!;
  for (let v = 0; v < g.nodeCount; v++) {
    const t = trace[v]!;
    if (t === 0) continue;
    const row = rowOf.get(t);
    const own = row === undefined ? NO_NODE : framed[row]!;
    if (own === NO_NODE) continue;
    let site = byRow.get(own);
    if (!site) {
      const stack = traceback(g, own, frameOf);
      const top = stack[0]!;
      // another call path to the same function: one site, with the first path seen as its traceback
      const key = `${top.file}:${top.line}:${top.column}`;
      site = byKey.get(key);
      if (!site) {
        site = { file: top.file, line: top.line, column: top.column, functionName: top.functionName, library: top.library, traceback: stack, bytes: 0, count: 0, growthBytes: 0, growthCount: 0 };
        byKey.set(key, site);
      }
      byRow.set(own, site);
    }
    const size = g.selfSize[v]!;
    site.bytes += size;
    site.count++;
    if (newerThanId !== undefined && g.nodeId[v]! > newerThanId) {
      site.growthBytes += size;
      site.growthCount++;
    }
  }
  return [...byKey.values()];
}
