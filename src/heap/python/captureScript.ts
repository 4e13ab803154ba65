// The Python that runs inside the live process (injected by gdb, see gdbDriver.ts). Standard
// library only, never prints (the target's logs are the user's), one JSON result file per call.
//   start  tracemalloc on (frames from the setting) unless it already was, in which case what is
//          traced now is the baseline; a sampler thread records each site's traced size a few
//          times over the window; a deadline stops everything we started if `stop` never comes.
//   stop   per site: what is alive now (size, count), its growth (the Theil-Sen slope of its size
//          over the samples, times the window, and none for a site that rose in one step only: a
//          leak climbs, an allocation made once, even mid-window, or a buffer that comes and goes
//          does not), what changed since the start; the biggest traceback of
//          each site; tracing stopped if we started it.
//   abort  the same clean-up without a result (cancel, errors).
// A site is the first frame of the service's own code (not the standard library, site-packages or
// dist-packages) in the allocating traceback, else the allocating line itself. The result file is
// written by the shared wrapper (resultProgram.ts).
import { resultProgram } from './resultProgram.ts';

export type CaptureMode = 'start' | 'stop' | 'abort';

export interface CaptureArgs {
  readonly mode: CaptureMode;
  /** Same for every call of one capture; another capture's state is not touched. */
  readonly token: string;
  /** Result file, as the target sees it (its /tmp). */
  readonly out: string;
  readonly frames: number;
  /** start: seconds between two samples of the sampler thread. */
  readonly sampleSeconds: number;
  /** start: everything stops by itself after this long if no stop came. */
  readonly deadlineSeconds: number;
  /** stop: how many sites and tracebacks to report. */
  readonly topSites: number;
  readonly topTracebacks: number;
}

const script = String.raw`
def _kmt_capture(A, write):
    import os, sys, time
    try:
        import linecache, threading, tracemalloc
        # Our own allocations (this program, its bootstrap, tracemalloc's) are left out. Set lookups
        # on the raw traces, not tracemalloc.Filter, whose fnmatch per frame would hold the GIL for
        # seconds on a big heap while the target's threads wait.
        ours = {tracemalloc.__file__, "<kube-memory-triage>"}
        stdlib = os.path.dirname(os.__file__) + os.sep

        def is_lib(name):
            return (name.startswith("<") or name.startswith(stdlib) or "/site-packages/" in name
                    or "/dist-packages/" in name)

        def raw_traces():
            snap = tracemalloc.take_snapshot()
            raw = getattr(snap.traces, "_traces", None)
            if raw is not None:
                return raw  # (domain, size, frames innermost first, ...)
            return [(t.domain, t.size, tuple((f.filename, f.lineno) for f in reversed(t.traceback))) for t in snap.traces]

        def by_traceback():
            # Grouped in C (sort, groupby, sum): a Python loop over the traces would allocate an int
            # per trace, each traced with its frames, and run many times slower under tracing.
            from itertools import groupby
            from operator import itemgetter
            frames_of, size_of = itemgetter(2), itemgetter(1)
            agg = {}
            for fr, group in groupby(sorted(raw_traces(), key=frames_of), key=frames_of):
                if fr and fr[0][0] != "<string>" and not any(f[0] in ours for f in fr):
                    group = list(group)
                    agg[fr] = (sum(map(size_of, group)), len(group))
            return agg

        site_cache = {}

        def site_of(frames):
            s = site_cache.get(frames)
            if s is None:
                s = next((f for f in frames if not is_lib(f[0])), frames[0])
                site_cache[frames] = s
            return s

        def by_site(tbs):
            sites = {}
            for frames, (size, count) in tbs.items():
                k = site_of(frames)
                a = sites.get(k, (0, 0))
                sites[k] = (a[0] + size, a[1] + count)
            return sites

        state = getattr(sys, "_kube_memory_triage", None)
        mode = A["mode"]
        now = time.time()
        if state is not None and state["token"] != A["token"]:
            if mode == "start" and now > state["deadline"]:
                state["end"]()  # an abandoned capture past its deadline
                state = None
            elif mode == "start":
                return write({"ok": False, "error": "busy", "detail": "another capture is running in this process"})
            else:
                return write({"ok": False, "error": "lost", "detail": "another capture is running in this process"})

        if mode == "start":
            was = tracemalloc.is_tracing()
            if not was:
                tracemalloc.start(int(A["frames"]))
            stop_event = threading.Event()
            token = A["token"]

            def end():
                stop_event.set()
                if not was and tracemalloc.is_tracing():
                    tracemalloc.stop()
                if getattr(sys, "_kube_memory_triage", None) is st:
                    del sys._kube_memory_triage

            def sampler():
                deadline = st["deadline"]
                while not stop_event.wait(float(A["sampleSeconds"])):
                    if time.time() > deadline:
                        return end()
                    try:
                        st["samples"].append((time.time(), by_site(by_traceback())))
                    except Exception:
                        pass

            st = {"token": token, "ours": not was, "t0": now, "deadline": now + float(A["deadlineSeconds"]),
                  "samples": [(now, by_site(by_traceback()) if was else {})], "end": end, "event": stop_event}
            sys._kube_memory_triage = st
            thread = threading.Thread(target=sampler, name="kube-memory-triage-sampler", daemon=True)
            st["thread"] = thread
            thread.start()
            return write({"ok": True, "mode": "start", "tracingBefore": was, "frames": tracemalloc.get_traceback_limit(),
                          "python": sys.version.split()[0], "pid": os.getpid(), "executable": sys.executable,
                          "tracedBytes": tracemalloc.get_traced_memory()[0], "at": now})
        if state is None:
            return write({"ok": False, "error": "lost", "detail": "no capture runs in this process (it ended at its deadline, or the process restarted)"})
        state["event"].set()
        if mode == "abort":
            state["end"]()
            return write({"ok": True, "mode": "abort"})

        state["thread"].join(5)
        final = by_traceback()
        cur, peak = tracemalloc.get_traced_memory()
        overhead = tracemalloc.get_tracemalloc_memory()
        frames_limit = tracemalloc.get_traceback_limit()
        state["end"]()
        sites = by_site(final)
        samples = state["samples"]
        t0 = state["t0"]
        window = max(now - t0, 1e-3)

        def slope(points):
            pairs = [(b[1] - a[1]) / (b[0] - a[0]) for i, a in enumerate(points) for b in points[i + 1:] if b[0] > a[0]]
            if not pairs:
                return 0.0
            pairs.sort()
            n = len(pairs)
            return pairs[n // 2] if n % 2 else (pairs[n // 2 - 1] + pairs[n // 2]) / 2

        best = {}
        for frames, (size, count) in final.items():
            k = site_of(frames)
            if k not in best or size > best[k][0]:
                best[k] = (size, frames)
        rows = []
        for k, (size, count) in sites.items():
            series = [(t, s.get(k, (0, 0))[0]) for t, s in samples] + [(now, size)]
            steps = [b[1] - a[1] for a, b in zip(series, series[1:])]
            base = samples[0][1].get(k, (0, 0))
            # One jump between two samples is a step, not a climb: a buffer made once mid-window
            # would otherwise get a slope (most sample pairs straddle the jump) as big as the jump.
            ups = sum(1 for d in steps if d > 0)
            rows.append((slope(series) * window if ups > 1 else 0.0, k, size, count, size - base[0], count - base[1],
                         sum(1 for d in steps if d > 0) / len(steps) if steps else 0.0))
        top = int(A["topSites"])
        chosen = {r[1] for r in sorted(rows, key=lambda r: -r[0])[:top]} | {r[1] for r in sorted(rows, key=lambda r: -r[2])[:top]}

        # tracemalloc names files and lines, not functions: the service's own files (not libraries)
        # are parsed once each, bounded, to name the def around a line. Nothing stays cached.
        spans = {}

        def function_at(path, line):
            if path.startswith("<") or is_lib(path):
                return None
            if path not in spans:
                spans[path] = None
                try:
                    import ast
                    if len(spans) <= 64 and os.path.getsize(path) <= 1 << 20:
                        with open(path, "rb") as fh:
                            tree = ast.parse(fh.read(), path)
                        spans[path] = [(n.lineno, getattr(n, "end_lineno", n.lineno) or n.lineno, n.name) for n in ast.walk(tree)
                                       if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
                        del tree
                except Exception:
                    pass
            inner = [sp for sp in spans[path] or () if sp[0] <= line <= sp[1]]
            return max(inner)[2] if inner else None

        def frame(f):
            out = {"file": f[0], "line": f[1], "lib": is_lib(f[0])}
            name = function_at(f[0], f[1])
            if name:
                out["function"] = name
            return out

        cached = set(linecache.cache)
        listed = []
        for growth, k, size, count, since, since_count, rising in rows:
            if k not in chosen:
                continue
            code = "" if k[0].startswith("<") else linecache.getline(k[0], k[1]).strip()[:240]
            site = frame(k)
            site.update({"code": code, "size": size, "count": count,
                         "growth": int(growth), "sinceStart": since, "sinceStartCount": since_count, "rising": round(rising, 2),
                         "traceback": [frame(f) for f in best[k][1]]})
            listed.append(site)
        # the source lines we read must not stay in the target's linecache (hundreds of KiB)
        for key in [key for key in linecache.cache if key not in cached]:
            linecache.cache.pop(key, None)
        spans.clear()
        listed.sort(key=lambda s: -s["growth"])
        biggest = sorted(final.items(), key=lambda kv: -kv[1][0])[:int(A["topTracebacks"])]
        write({"ok": True, "mode": "stop", "tracingBefore": not state["ours"], "frames": frames_limit,
               "startedAt": t0, "takenAt": now, "samples": len(samples) + 1,
               "tracedBytes": cur, "peakBytes": peak, "overheadBytes": overhead,
               "totalSize": sum(v[0] for v in final.values()), "totalCount": sum(v[1] for v in final.values()),
               "growthSize": int(sum(r[0] for r in rows)), "sites": listed,
               "tracebacks": [{"size": v[0], "count": v[1], "frames": [frame(f) for f in k]} for k, v in biggest]})
    except BaseException:
        # A start that cannot hand back its answer (an unwritable /tmp, say) must not leave tracing on:
        # the host never learns it started, so no stop or abort would come before the deadline.
        try:
            st = getattr(sys, "_kube_memory_triage", None)
            if A.get("mode") == "start" and st is not None and st["token"] == A["token"]:
                st["end"]()
        except BaseException:
            pass
        raise  # the wrapper writes it as the answer
`;

/** The whole program for one call: the function above, called with these arguments. */
export function captureProgram(args: CaptureArgs): string {
  return resultProgram(script, '_kmt_capture', args);
}
