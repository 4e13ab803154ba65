// Dominator tree and retained sizes over a graph in typed arrays (Cooper, Harvey and Kennedy's
// iterative algorithm, "A Simple, Fast Dominance Algorithm", over DFS postorder numbers). An
// object's retained size is its own plus that of every object it dominates: what freeing it frees.
import { NO_NODE } from './snapshotGraph.ts';

export interface DominatorTree {
  /** Nodes reachable from the root, in DFS postorder: the root is last. */
  readonly order: Uint32Array;
  /** Immediate dominator of each node (node index); the root's is itself, NO_NODE when unreachable. */
  readonly idom: Uint32Array;
  /** 8 bytes a node the tree no longer uses (the walk's stack and cursor): retainedSizes writes there. */
  readonly spare: ArrayBuffer;
}

const SEEN = NO_NODE - 1;

/** Fills post (node -> postorder number) and order (postorder number -> node) by DFS from root; returns how many were reached. */
function postorder(root: number, firstEdge: Uint32Array, edgeTo: Uint32Array, post: Uint32Array, order: Uint32Array, stack: Uint32Array, cursor: Uint32Array): number {
  let count = 0;
  let top = 0;
  stack[0] = root;
  cursor[0] = firstEdge[root]!;
  post[root] = SEEN;
  while (top >= 0) {
    const v = stack[top]!;
    const e = cursor[top]!;
    if (e < firstEdge[v + 1]!) {
      cursor[top] = e + 1;
      const w = edgeTo[e]!;
      if (w !== NO_NODE && post[w] === NO_NODE) {
        post[w] = SEEN;
        top++;
        stack[top] = w;
        cursor[top] = firstEdge[w]!;
      }
    } else {
      post[v] = count;
      order[count++] = v;
      top--;
    }
  }
  return count;
}

/** Two node-long arrays the caller no longer needs, to be overwritten instead of allocating. */
export interface DominatorWork {
  readonly post: Uint32Array;
  readonly order: Uint32Array;
}

/**
 * Edges of node i are edgeTo[firstEdge[i] .. firstEdge[i + 1]); an edge of NO_NODE is ignored.
 * Four arrays of a node each and one of an edge at the peak: the DFS's stack and cursor are
 * reused for the predecessor lists and the dominators, and `post` becomes `idom`.
 */
export function dominatorTree(nodeCount: number, firstEdge: Uint32Array, edgeTo: Uint32Array, root = 0, work?: DominatorWork): DominatorTree {
  const post = (work?.post ?? new Uint32Array(nodeCount)).fill(NO_NODE);
  const order = work?.order ?? new Uint32Array(nodeCount);
  const spare = new ArrayBuffer(8 * (nodeCount + 1));
  const stack = new Uint32Array(spare, 0, nodeCount + 1);
  const cursor = new Uint32Array(spare, 4 * (nodeCount + 1), nodeCount + 1);
  const count = postorder(root, firstEdge, edgeTo, post, order, stack, cursor);
  // predecessors of each reachable node, as postorder numbers
  const predStart = cursor.fill(0, 0, count + 1);
  for (let p = 0; p < count; p++) {
    const v = order[p]!;
    for (let e = firstEdge[v]!, end = firstEdge[v + 1]!; e < end; e++) {
      const w = edgeTo[e]!;
      if (w !== NO_NODE) predStart[post[w]! + 1]!++;
    }
  }
  for (let p = 0; p < count; p++) predStart[p + 1]! += predStart[p]!;
  const preds = new Uint32Array(predStart[count]!);
  const fill = stack;
  fill.set(predStart.subarray(0, count));
  for (let p = 0; p < count; p++) {
    const v = order[p]!;
    for (let e = firstEdge[v]!, end = firstEdge[v + 1]!; e < end; e++) {
      const w = edgeTo[e]!;
      if (w !== NO_NODE) preds[fill[post[w]!]!++] = p;
    }
  }
  const dom = stack.fill(NO_NODE, 0, count);
  const rootP = count - 1;
  dom[rootP] = rootP;
  for (let changed = true, first = true; changed; first = false) {
    changed = false;
    for (let p = rootP - 1; p >= 0; p--) {
      const start = predStart[p]!;
      const end = predStart[p + 1]!;
      // one predecessor is the DFS parent, set in the first pass for good
      if (!first && end - start === 1) continue;
      let d = NO_NODE;
      for (let k = start; k < end; k++) {
        const q = preds[k]!;
        if (dom[q] === NO_NODE) continue;
        if (d === NO_NODE) {
          d = q;
          continue;
        }
        let a = q;
        let b = d;
        while (a !== b) {
          while (a < b) a = dom[a]!;
          while (b < a) b = dom[b]!;
        }
        d = a;
      }
      if (dom[p] !== d) {
        dom[p] = d;
        changed = true;
      }
    }
  }
  // post is not read again: it becomes idom, node by node
  const idom = post;
  for (let p = 0; p < count; p++) idom[order[p]!] = order[dom[p]!]!;
  return { order: order.subarray(0, count), idom, spare };
}

/** Retained size of every node; an unreachable node retains only itself. In the tree's spare memory: once a tree. */
export function retainedSizes(selfSize: Float64Array | Uint32Array, tree: DominatorTree): Float64Array {
  const retained = new Float64Array(tree.spare, 0, selfSize.length);
  retained.set(selfSize);
  const { order, idom } = tree;
  for (let p = 0; p < order.length - 1; p++) {
    const v = order[p]!;
    retained[idom[v]!]! += retained[v]!;
  }
  return retained;
}

/**
 * Retained size of each class (constructor) without counting twice: an object dominated by
 * another of its class is already inside that one's retained size (as DevTools sums it).
 * Its four work arrays come out of `scratch` while it is long enough (memory the caller no longer needs).
 */
export function classRetainedSizes(classOf: Uint32Array, classCount: number, retained: Float64Array, tree: DominatorTree, scratch: Uint32Array = new Uint32Array(0)): Float64Array {
  const { order, idom } = tree;
  const n = classOf.length;
  const sums = new Float64Array(classCount);
  const root = order[order.length - 1]!;
  let used = 0;
  const take = (length: number) => (used + length <= scratch.length ? scratch.subarray(used, (used += length)).fill(0) : new Uint32Array(length));
  // children of each node in the dominator tree: children[next[v] .. end[v]), next moving on as the walk visits them
  const next = take(n + 1);
  for (let p = 0; p < order.length - 1; p++) next[idom[order[p]!]! + 1]!++;
  for (let v = 0; v < n; v++) next[v + 1]! += next[v]!;
  const children = take(Math.max(1, order.length - 1));
  const end = take(n);
  end.set(next.subarray(0, n));
  for (let p = 0; p < order.length - 1; p++) children[end[idom[order[p]!]!]!++] = order[p]!;
  const open = new Uint32Array(classCount);
  const stack = take(order.length);
  let top = 0;
  stack[0] = root;
  if (open[classOf[root]!]++ === 0) sums[classOf[root]!]! += retained[root]!;
  while (top >= 0) {
    const v = stack[top]!;
    const c = next[v]!;
    if (c < end[v]!) {
      next[v] = c + 1;
      const w = children[c]!;
      if (open[classOf[w]!]++ === 0) sums[classOf[w]!]! += retained[w]!;
      stack[++top] = w;
    } else {
      open[classOf[v]!]!--;
      top--;
    }
  }
  for (let v = 0; v < n; v++) if (idom[v] === NO_NODE) sums[classOf[v]!]! += retained[v]!;
  return sums;
}
