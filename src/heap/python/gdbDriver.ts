// What gdb runs (its embedded Python) to put a program into a live CPython safely, the way
// memray's attach does: schedule a pending call (Py_AddPendingCall) and stop at a point where the
// stopped thread holds the GIL between two bytecodes (PyCallable_Check from that pending call, or
// PyErr_CheckSignals), never at an arbitrary instruction; a process whose main thread does not
// come by gets a second chance where any thread has just taken the GIL back (the return of
// PyEval_RestoreThread). There: PyGILState_Ensure, PyRun_SimpleString, PyGILState_Release, then
// detach. A target that reaches no such point in time is left untouched (breakpoints removed,
// detached) and said so. The driver prints one `KMT {json}` line per event and the result file's
// content, then deletes that file.

export interface DriverArgs {
  /** The target as gdb's PID namespace numbers it. */
  readonly pid: number;
  /** The PyRun_SimpleString argument (ASCII only, no quotes or backslashes: base64 inside). */
  readonly bootstrap: string;
  /** Where gdb reads the result file (through /proc/<pid>/root from another container). */
  readonly resultPath: string;
  /** `set sysroot` for a target in another mount namespace (/proc/<pid>/root), else undefined. */
  readonly sysroot?: string;
  /** Seconds to wait for the first kind of safe point, then for the second. */
  readonly pendingCallSeconds: number;
  readonly anyThreadSeconds: number;
}

const driver = String.raw`
import gdb, json, os, threading, time
P = json.loads(ARGS)
def say(event, **kw):
    kw["event"] = event
    print("KMT " + json.dumps(kw), flush=True)
def run(cmd):
    return gdb.execute(cmd, to_string=True)
def finish(code):
    try:
        run("detach")
    except gdb.error:
        pass
    gdb.execute("quit %d" % code)
# Symbols of the executable and of libc and libpython only (the calls need malloc, the API needs
# libpython when it is a shared library): loading every library's would keep the target stopped longer.
for cmd in ("set pagination off", "set confirm off", "set width 0", "set unwindonsignal on", "set breakpoint pending off",
            "set auto-solib-add off"):
    run(cmd)
if P.get("sysroot"):
    run("set sysroot " + P["sysroot"])
t_attach = time.time()
try:
    run("attach %d" % P["pid"])
except gdb.error as e:
    say("attach-failed", message=str(e))
    gdb.execute("quit 3")
for lib in ("libc", "libpython", "libdl", "libpthread", "musl"):
    try:
        run("sharedlibrary " + lib)
    except gdb.error:
        pass
missing = []
for sym in ("PyRun_SimpleString", "PyGILState_Ensure", "PyGILState_Release", "Py_AddPendingCall", "PyCallable_Check", "PyErr_CheckSignals", "PyEval_RestoreThread"):
    try:
        gdb.parse_and_eval(sym)
    except gdb.error:
        missing.append(sym)
if missing:
    say("not-python", missing=missing)
    finish(4)
hits = []
def on_stop(ev):
    if isinstance(ev, gdb.BreakpointEvent):
        hits.append(ev.breakpoints[0].location)
gdb.events.stop.connect(on_stop)
def wait_for(locations, seconds):
    bps = [gdb.Breakpoint(loc, internal=True) for loc in locations]
    timer = threading.Timer(seconds, lambda: gdb.post_event(lambda: gdb.execute("interrupt")))
    timer.start()
    try:
        run("continue")
    finally:
        timer.cancel()
        for b in bps:
            b.delete()
    return bool(hits)
run("call (int)Py_AddPendingCall(&PyCallable_Check, (void*)0)")
stopped_ms = (time.time() - t_attach) * 1000
point = "pending call"
if not wait_for(["PyCallable_Check", "PyErr_CheckSignals"], P["pendingCallSeconds"]):
    point = "GIL taken back"
    if not wait_for(["PyEval_RestoreThread"], P["anyThreadSeconds"]):
        say("no-safe-point", seconds=P["pendingCallSeconds"] + P["anyThreadSeconds"])
        finish(5)
    run("finish")
t_call = time.time()
gil = int(gdb.parse_and_eval("(int)PyGILState_Ensure()"))
rc = int(gdb.parse_and_eval('(int)PyRun_SimpleString("' + P["bootstrap"] + '")'))
gdb.parse_and_eval("(void)PyGILState_Release(%d)" % gil)
call_ms = (time.time() - t_call) * 1000
try:
    run("detach")
except gdb.error as e:
    say("detach-failed", message=str(e))
say("injected", rc=rc, point=hits[-1] if hits else point, stoppedMs=round(stopped_ms, 1), callMs=round(call_ms, 1))
try:
    with open(P["resultPath"]) as f:
        data = f.read()
    os.unlink(P["resultPath"])
    say("result", data=data)
except OSError as e:
    say("no-result", message=str(e))
gdb.execute("quit 0")
`;

/**
 * gdb's argv and its stdin: no shell, no script file in the container, and a short argv (exec
 * sends argv in the URL, which proxies limit); the driver program arrives on stdin.
 */
export function gdbInvocation(args: DriverArgs): { argv: string[]; stdin: string } {
  // It goes into a C string literal of a gdb expression: printable ASCII, no double quote, no backslash.
  if (!/^[\x20-\x7e]*$/.test(args.bootstrap) || /["\\]/.test(args.bootstrap)) throw new Error('the bootstrap must be printable ASCII without double quotes or backslashes');
  const program = `ARGS = ${JSON.stringify(JSON.stringify(args))}\n${driver}`;
  return { argv: ['gdb', '-q', '-batch', '-nx', '-ex', 'python import sys; exec(sys.stdin.read())'], stdin: program };
}

/** The string PyRun_SimpleString runs: our program decoded and run under its own filename and namespace. */
export function bootstrapFor(program: string): string {
  const b64 = Buffer.from(program, 'utf8').toString('base64');
  return `exec(compile(__import__('base64').b64decode('${b64}'), '<kube-memory-triage>', 'exec'), {'__name__': '__kube_memory_triage__'})`;
}
