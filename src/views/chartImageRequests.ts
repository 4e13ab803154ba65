// The host's side of the chartImage message: asks the trend page for its chart as a PNG and
// waits (bounded) for the answer. The page's answer is checked: only a PNG data URL is decoded.
import { NO_SAMPLES, type FromWebview, type ToWebview } from '../webview/protocol.ts';

type Answer = Extract<FromWebview, { type: 'chartImage' }>;

const PNG_PREFIX = 'data:image/png;base64,';
const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** A chart is a few hundred KiB at most; a bigger answer is refused. */
export const MAX_PNG_BYTES = 16 * 1024 * 1024;

/** The PNG bytes of a data URL, or undefined when it is not a PNG. */
export function pngFromDataUrl(dataUrl: unknown): Uint8Array | undefined {
  if (typeof dataUrl !== 'string' || !dataUrl.startsWith(PNG_PREFIX) || dataUrl.length > (MAX_PNG_BYTES * 4) / 3 + PNG_PREFIX.length + 4) return undefined;
  const bytes = Buffer.from(dataUrl.slice(PNG_PREFIX.length), 'base64');
  return PNG_MAGIC.every((b, i) => bytes[i] === b) ? new Uint8Array(bytes) : undefined;
}

export class ChartImageRequests {
  private next = 1;
  private readonly waiting = new Map<number, (answer: Answer) => void>();
  private readonly post: (message: ToWebview) => void;

  constructor(post: (message: ToWebview) => void) {
    this.post = post;
  }

  /** One ask: the page's answer, or a reason when it does not answer within `timeoutMs`. */
  ask(timeoutMs: number): Promise<{ png?: Uint8Array; reason?: string }> {
    const id = this.next++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        resolve({ reason: 'the trend panel did not answer' });
      }, timeoutMs);
      this.waiting.set(id, (answer) => {
        clearTimeout(timer);
        const png = pngFromDataUrl(answer.dataUrl);
        resolve(png ? { png } : { reason: answer.reason ?? 'the panel sent no PNG' });
      });
      this.post({ type: 'chartImage', id });
    });
  }

  /** Asks again while the page is loading or drawing (a page brought forward rehydrates first), up to `timeoutMs`. */
  async askUntil(timeoutMs: number): Promise<{ png?: Uint8Array; reason?: string }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const left = deadline - Date.now();
      const answer = await this.ask(Math.max(100, Math.min(2000, left)));
      if (answer.png || answer.reason === NO_SAMPLES || Date.now() + 300 > deadline) return answer;
      await new Promise((r) => setTimeout(r, 300));
    }
  }

  onAnswer(answer: Answer): void {
    const done = this.waiting.get(answer.id);
    this.waiting.delete(answer.id);
    done?.(answer);
  }
}
