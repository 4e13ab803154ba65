import type { AllocationsStatus, FromWebview, ToWebview } from '../webview/protocol.ts';

/** What the allocations table asks of the extension; the step-3 commands implement it. */
export interface AllocationActions {
  /** Open the site `id` (its index in the report), or one frame of its traceback, beside the panel. */
  open(id: number, frame?: number): void;
  /** Ask where the site's container path lives in the workspace and write a path mapping. */
  mapPath(id: number): void;
  save(): void;
  findLeaks(): void;
  /** Read a heap file dropped on the panel (file: URIs only). */
  openHeapFile(uris: readonly string[]): void;
}

export type AllocationMessage = Extract<FromWebview, { type: 'openSite' | 'mapPath' | 'saveReport' | 'findLeaks' | 'openHeapFile' }>;

/**
 * The allocations part of the trend panel, host side: what it shows now, and the page's requests
 * passed on to the actions. The page is not trusted to name only the rows it was sent: an id or a
 * frame that is not on screen is dropped here, so the actions never index past the report.
 */
export class AllocationsPart {
  private status: AllocationsStatus = { kind: 'none' };
  private readonly post: (message: ToWebview) => void;
  private readonly actions: AllocationActions | undefined;

  constructor(post: (message: ToWebview) => void, actions: AllocationActions | undefined) {
    this.post = post;
    this.actions = actions;
  }

  get current(): AllocationsStatus {
    return this.status;
  }

  set(status: AllocationsStatus): void {
    this.status = status;
    this.post({ type: 'allocations', status });
  }

  onMessage(message: AllocationMessage): void {
    const actions = this.actions;
    if (!actions) return;
    switch (message.type) {
      case 'openSite':
        if (this.onScreen(message.id, message.frame)) actions.open(message.id, message.frame);
        return;
      case 'mapPath':
        if (this.onScreen(message.id)) actions.mapPath(message.id);
        return;
      case 'saveReport':
        if (this.status.kind === 'ready') actions.save();
        return;
      case 'findLeaks':
        // a second capture while one runs would inject into the same process twice
        if (this.status.kind !== 'capturing') actions.findLeaks();
        return;
      case 'openHeapFile':
        if (Array.isArray(message.uris)) actions.openHeapFile(message.uris.filter((u): u is string => typeof u === 'string').slice(0, 16));
        return;
    }
  }

  private onScreen(id: unknown, frame?: unknown): boolean {
    if (this.status.kind !== 'ready' || !Number.isInteger(id)) return false;
    const row = this.status.view.rows.find((r) => r.id === id);
    if (!row) return false;
    return frame === undefined || (Number.isInteger(frame) && (frame as number) >= 0 && (frame as number) < row.traceback.length);
  }
}
