// The one error the heap-file readers throw for a file they cannot read (cut short, corrupt, not
// what its name says). Anything else escaping a reader is a bug: the fuzz tests check exactly that.
export class HeapFileError extends Error {
  override readonly name = 'HeapFileError';
}
