import { CaptureError } from './captureError.ts';

/** Waits `ms`, or rejects with a 'cancelled' CaptureError as soon as the capture is cancelled. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    // Cancelled between two sleeps (in a progress callback, during a pod read): no abort event will come.
    if (signal?.aborted) return reject(new CaptureError('cancelled', 'Cancelled.'));
    const t = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
    const onAbort = () => { clearTimeout(t); reject(new CaptureError('cancelled', 'Cancelled.')); };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
