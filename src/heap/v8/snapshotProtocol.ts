// The messages between readHeapSnapshot and its worker thread.
import type { SnapshotSummary } from './snapshotSummary.ts';

export interface SnapshotJob {
  readonly path: string;
  readonly source: string;
  readonly newerThanId?: number;
}

export interface SnapshotProgress {
  /** 'read': bytes of the file tokenised; 'analyse': the dominator tree and the sums. */
  readonly phase: 'read' | 'analyse';
  readonly done: number;
  readonly total: number;
}

export type SnapshotMessage =
  | ({ readonly type: 'progress' } & SnapshotProgress)
  | { readonly type: 'done'; readonly summary: SnapshotSummary }
  | { readonly type: 'error'; readonly message: string; readonly known: boolean };
