// How a program for the live process is put together (step 3's capture, step 4's pools): the
// program's own function `def <name>(A, write)`, called with its arguments by a wrapper that
// writes the answer to the result file whole (a temporary file, then a rename: gdb never reads
// half an answer) and turns an exception into {"ok": false, "error", "detail"}. The result is
// what runInProcess (inject.ts) runs and reads back. Nothing is printed: the target's logs are
// the user's.

export interface ProgramArgs {
  /** Result file, as the target sees it (its /tmp). */
  readonly out: string;
}

const wrapper = String.raw`
def _kmt_main(fn, A):
    import json, os
    out = A["out"]

    def write(obj):
        tmp = out + ".tmp"
        with open(tmp, "w") as f:
            json.dump(obj, f, separators=(",", ":"))
        os.replace(tmp, out)

    try:
        fn(A, write)
    except BaseException as e:
        try:
            write({"ok": False, "error": type(e).__name__, "detail": str(e)[:500]})
        except BaseException:
            pass
`;

/** The whole program for one call: `definition` (which defines `name`), the wrapper, the call with `args`. */
export function resultProgram(definition: string, name: string, args: ProgramArgs): string {
  if (!/^[A-Za-z_]\w*$/.test(name)) throw new Error(`not a Python name: ${name}`);
  // A JSON string is a valid Python string literal: the arguments cannot break out of it.
  return `${definition}\n${wrapper}\nimport json as _kmt_json\n_kmt_main(${name}, _kmt_json.loads(${JSON.stringify(JSON.stringify(args))}))\n`;
}
