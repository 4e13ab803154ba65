// HeapProfiler.stopSampling's profile (the .heapprofile format) as allocation sites: every call-tree
// node with a self size is attributed to its own frame (script, line, column; 0-based in V8, 1-based
// here) and the stack above it is its traceback. Frames without a script (V8 internals, "(root)")
// hand their bytes to the nearest frame that has one. Sampled bytes are what was allocated in the
// window and is still alive at its end: growth.
import type { AllocationSite, StackFrame } from '../../triage/model.ts';

export interface CallFrame { functionName: string; url: string; lineNumber: number; columnNumber: number; scriptId?: string | number }
export interface ProfileNode { callFrame: CallFrame; selfSize: number; id: number; children: ProfileNode[] }
export interface SamplingProfile { head: ProfileNode; samples?: { size: number; nodeId: number; ordinal?: number }[] }

export function scriptPath(url: string): string {
  return url.startsWith('file://') ? decodeURIComponent(new URL(url).pathname) : url;
}

const isLibrary = (url: string) => url.startsWith('node:') || /\/node_modules\//.test(url) || !url.startsWith('file:') && !url.startsWith('/');

const frameOf = (c: CallFrame): StackFrame => ({
  file: scriptPath(c.url), line: c.lineNumber + 1, column: c.columnNumber + 1, functionName: c.functionName || '(anonymous)', library: isLibrary(c.url),
});

/** Sites, the biggest first, with the total sampled bytes. A node seen twice (a cycle) is an error. */
export function profileSites(profile: SamplingProfile): { sites: AllocationSite[]; totalBytes: number; totalCount: number } {
  const counts = new Map<number, number>();
  for (const s of profile.samples ?? []) counts.set(s.nodeId, (counts.get(s.nodeId) ?? 0) + 1);
  const sites = new Map<string, { site: AllocationSite & { bytes: number; count: number }; }>();
  const seen = new Set<number>();
  let totalBytes = 0;
  let totalCount = 0;
  const walk = (root: ProfileNode) => {
    const stack: { node: ProfileNode; frames: StackFrame[] }[] = [{ node: root, frames: [] }];
    while (stack.length) {
      const { node, frames: above } = stack.pop()!;
      if (seen.has(node.id)) throw new Error(`the profile's call tree is not a tree (node ${node.id} is reached twice)`);
      seen.add(node.id);
      const frames = node.callFrame.url ? [frameOf(node.callFrame), ...above] : above;
      const count = counts.get(node.id) ?? 0;
      if (node.selfSize > 0 && frames.length > 0) {
        const [own] = frames;
        const key = `${own.file}:${own.line}:${own.column}`;
        const entry = sites.get(key)?.site ?? { file: own.file, line: own.line, column: own.column, functionName: own.functionName, bytes: 0, count: 0, library: own.library, traceback: frames.slice(0, 20) };
        entry.bytes += node.selfSize;
        entry.count += count;
        sites.set(key, { site: entry });
      }
      totalBytes += node.selfSize;
      totalCount += count;
      for (const child of node.children ?? []) stack.push({ node: child, frames });
    }
  };
  walk(profile.head);
  const list = [...sites.values()].map(({ site }) => ({ ...site, growthBytes: site.bytes, growthCount: site.count }));
  return { sites: list.sort((a, b) => b.bytes - a.bytes), totalBytes, totalCount };
}
