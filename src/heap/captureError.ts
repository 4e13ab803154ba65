// Why a capture from a live process could not be made, with what the user can do about it.
// The kind lets the command layer choose its words and tests assert the reason.

export type CaptureErrorKind =
  | 'forbidden'
  | 'no-process'
  | 'no-gdb'
  | 'ptrace'
  | 'not-python'
  | 'no-safe-point'
  | 'target-gone'
  | 'busy'
  | 'cancelled'
  | 'failed'
  | `debug-${string}`;

export class CaptureError extends Error {
  readonly kind: CaptureErrorKind;
  /** What to do about it, in one sentence. */
  readonly hint?: string;

  constructor(kind: CaptureErrorKind, message: string, hint?: string) {
    super(message);
    this.kind = kind;
    this.hint = hint;
  }
}
