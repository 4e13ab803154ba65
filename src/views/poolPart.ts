import type { FromWebview, PoolStatus, ToWebview } from '../webview/protocol.ts';

/** What the connections part asks of the extension; the step-4 command implements it. */
export interface PoolActions {
  /** Check the pod on screen again (or, after a failure, try again). */
  checkAgain(): void;
}

export type PoolMessage = Extract<FromWebview, { type: 'checkDb' }>;

/**
 * The connections part of the trend panel, host side: what it shows now, and the page's one
 * request passed on. A click while a check runs is dropped here (the page may lag behind).
 */
export class PoolPart {
  private status: PoolStatus = { kind: 'none' };
  private readonly post: (message: ToWebview) => void;
  private readonly actions: PoolActions | undefined;

  constructor(post: (message: ToWebview) => void, actions: PoolActions | undefined) {
    this.post = post;
    this.actions = actions;
  }

  get current(): PoolStatus {
    return this.status;
  }

  set(status: PoolStatus): void {
    this.status = status;
    this.post({ type: 'pool', status });
  }

  onMessage(message: PoolMessage): void {
    if (message.type === 'checkDb' && this.status.kind !== 'checking') this.actions?.checkAgain();
  }
}
