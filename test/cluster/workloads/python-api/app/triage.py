"""A live memory report from inside the serving process, for the on-call engineer.

`kill -USR1 1` (the workload is PID 1 in its container) or GET /debug/memory from the pod's
loopback writes .triage/memory.json (tracemalloc top allocations + connection pool figures),
.triage/memory.txt (the same, as the runbook prints it) and .triage/heap.tracemalloc
(the raw snapshot, for later analysis with tracemalloc.Snapshot.load). A fresh `python -c`
in the pod cannot do this: it would start its own tracemalloc and its own pool and see nothing.
"""
import json
import os
import signal
import threading
import time
import tracemalloc

from infrastructure.db import pool_stats
from app import handlers

TRIAGE_DIR = os.environ.get("TRIAGE_DIR", ".triage")
TOP_N = 25

_SOURCE_ROOT = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
_requested = threading.Event()
_lock = threading.Lock()
_seq = 0
_previous = {}  # (filename, lineno) -> size at the previous report, for the growth column


def install():
    """Called once the service is warmed up, just before it starts serving.

    Import-time allocations are forgotten here: with 25 frames per trace they cost ~130k traces,
    and a snapshot of them would need ~70 MiB more, enough to OOM a 128 MiB pod by itself.
    A leak grows after startup, so the traces that matter are the ones made from now on.
    Reports are written by a worker thread; the signal handler only wakes it up.
    """
    if tracemalloc.is_tracing():
        tracemalloc.clear_traces()
    signal.signal(signal.SIGUSR1, lambda signum, frame: _requested.set())
    threading.Thread(target=_worker, name="triage", daemon=True).start()


def _worker():
    while True:
        _requested.wait()
        _requested.clear()
        try:
            write_report()
        except Exception as err:  # a failed report must never take the service down
            print(f"triage: report failed: {err!r}", flush=True)


def write_report():
    with _lock:
        report = _build_report()
        os.makedirs(TRIAGE_DIR, exist_ok=True)
        if report["tracemalloc"]["tracing"]:
            _snapshot.dump(_path("heap.tracemalloc.tmp"))
            os.replace(_path("heap.tracemalloc.tmp"), _path("heap.tracemalloc"))
        _write(_path("memory.txt"), _as_text(report))
        # memory.json last: its seq changing tells a reader that the other files are complete.
        _write(_path("memory.json"), json.dumps(report, indent=1))
        print(f"triage: report {report['seq']} written to {TRIAGE_DIR}/memory.json", flush=True)
        return report


_snapshot = None


def _build_report():
    global _seq, _snapshot, _previous
    _seq += 1
    report = {
        "seq": _seq,
        "pid": os.getpid(),
        "cwd": os.getcwd(),
        # Where the service's code lives (the real folder, symlinks resolved): file paths
        # below it map to the same relative path in the source workspace.
        "sourceRoot": _SOURCE_ROOT,
        "takenAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "tracemalloc": {"tracing": tracemalloc.is_tracing(), "frames": tracemalloc.get_traceback_limit()},
        "top": [],
        "pool": pool_stats(),
        "app": handlers.cache_stats(),
    }
    if not tracemalloc.is_tracing():
        return report
    current, peak = tracemalloc.get_traced_memory()
    # overheadBytes: what tracemalloc itself holds (traces and every distinct traceback seen).
    report["tracemalloc"].update(tracedBytes=current, peakBytes=peak, overheadBytes=tracemalloc.get_tracemalloc_memory())
    _snapshot = tracemalloc.take_snapshot().filter_traces([
        tracemalloc.Filter(False, tracemalloc.__file__),
        tracemalloc.Filter(False, "<frozen importlib._bootstrap>"),
        tracemalloc.Filter(False, "<frozen importlib._bootstrap_external>"),
        tracemalloc.Filter(False, "<unknown>"),
    ])
    # Traceback frames run oldest first; index both groupings by the allocating (innermost) frame.
    stacks = {}
    for s in _snapshot.statistics("traceback")[:500]:
        stacks.setdefault(s.traceback[-1], s.traceback)
    seen = {}
    for stat in _snapshot.statistics("lineno")[:TOP_N]:
        frame = stat.traceback[0]
        key = (frame.filename, frame.lineno)
        seen[key] = stat.size
        stack = stacks.get(frame)
        report["top"].append({
            "file": frame.filename,
            "line": frame.lineno,
            "sizeBytes": stat.size,
            "count": stat.count,
            "sizeDiffBytes": stat.size - _previous[key] if key in _previous else None,
            # innermost frame first, like the "file"/"line" above
            "traceback": [{"file": f.filename, "line": f.lineno} for f in reversed(stack)] if stack else [],
        })
    _previous = seen
    return report


def _as_text(report):
    lines = [f"# memory report {report['seq']} pid {report['pid']} at {report['takenAt']}"]
    for t in report["top"]:
        lines.append(f"{t['file']}:{t['line']}: size={t['sizeBytes'] / 1024:.1f} KiB, count={t['count']}")
    p = report["pool"]
    lines.append(f"Pool size: {p['size']}  Checked out: {p['checkedOut']}  Overflow: {p['overflow']}  Checked in: {p['checkedIn']}")
    return "\n".join(lines) + "\n"


def _path(name):
    return os.path.join(TRIAGE_DIR, name)


def _write(path, content):
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        f.write(content)
    os.replace(path + ".tmp", path)
