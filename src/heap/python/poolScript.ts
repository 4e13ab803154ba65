// Runbook step 4 inside the live Python process (run there by the generic runner, see inject.ts):
// the SQLAlchemy engines the process already holds and their pools' figures. It imports nothing
// of the service's or SQLAlchemy's: a configured "module:attr" path is looked up in sys.modules
// only (a module the process has not imported is reported missing, never imported, unlike the
// runbook's `python -c "from infrastructure.db import engine ..."`, which builds a new engine with
// 0 checked out), and the garbage-collector scan runs only when SQLAlchemy is loaded already. It
// never prints and answers through the shared wrapper (resultProgram.ts). Every engine
// is read under its own try: one odd object does not lose the others.
//
// How long each checked-out connection has been out is not sent: SQLAlchemy's pools keep no
// checkout time (a _ConnectionRecord has `starttime`, when its DBAPI connection was made, which a
// reused connection's checkout can be long after), and a made-up figure would mislead.
import type { PoolFigures } from '../../triage/model.ts';
import { resultProgram } from './resultProgram.ts';

export interface PoolArgs {
  /** Result file, as the target sees it (its /tmp). */
  readonly out: string;
  /** "module:attr" (attr may be dotted): where the service keeps its engine. */
  readonly engines: readonly string[];
  /** At most this many objects looked at by the garbage-collector scan. */
  readonly gcLimit: number;
  /** At most this many pools reported. */
  readonly maxPools: number;
}

const script = String.raw`
def _kmt_pools(A, write):
    import os, sys
    found, seen, missing = [], set(), []

    def is_sa(t, name):
        return any(c.__name__ == name and (c.__module__ or "").startswith("sqlalchemy") for c in t.__mro__)

    def number(v):
        if callable(v):
            v = v()
        return v if isinstance(v, (int, float)) and not isinstance(v, bool) else None

    def field(pool, name):
        try:
            return number(getattr(pool, name))
        except Exception:
            return None

    def url_of(engine):
        try:
            u = engine.url
            render = getattr(u, "render_as_string", None)
            # 1.3's URL has no render_as_string; its repr hides the password too.
            return str(render(hide_password=True) if render else repr(u))[:500]
        except Exception:
            return None

    def add(found_at, engine, pool):
        if id(pool) in seen or len(found) >= int(A["maxPools"]):
            return
        seen.add(id(pool))
        p = {"foundAt": found_at, "poolClass": type(pool).__name__}
        if engine is not None:
            p["url"] = url_of(engine)
        for key, name in (("size", "size"), ("checkedIn", "checkedin"), ("checkedOut", "checkedout"),
                          ("overflow", "overflow"), ("maxOverflow", "_max_overflow"), ("timeoutSeconds", "_timeout")):
            p[key] = field(pool, name)
        found.append(p)

    def take(found_at, obj):
        t = type(obj)
        if is_sa(t, "AsyncEngine"):
            obj, t = obj.sync_engine, type(obj.sync_engine)
        if is_sa(t, "Engine"):
            return add(found_at, obj, obj.pool)
        if is_sa(t, "Pool"):
            return add(found_at, None, obj)
        raise TypeError("it is a %s.%s, not a SQLAlchemy Engine or Pool" % (t.__module__, t.__qualname__))

    for path in A["engines"]:
        mod_name, _, attr = path.partition(":")
        try:
            obj = sys.modules.get(mod_name)
            if obj is None:
                missing.append({"path": path, "why": "the module %s is not imported in this process" % mod_name})
                continue
            for part in attr.split(".") if attr else []:
                if not hasattr(obj, part):
                    raise LookupError("%s has no attribute %s" % (mod_name, attr))
                obj = getattr(obj, part)
            take(path, obj)
        except Exception as e:
            missing.append({"path": path, "why": str(e)[:300]})

    scanned, truncated = 0, False
    if "sqlalchemy" in sys.modules:
        import gc
        kinds, engines, pools = {}, [], []
        limit = int(A["gcLimit"])
        for o in gc.get_objects():
            scanned += 1
            if scanned > limit:
                truncated = True
                break
            t = type(o)
            k = kinds.get(t)
            if k is None:
                try:
                    k = "engine" if is_sa(t, "Engine") else "pool" if is_sa(t, "Pool") else ""
                except Exception:
                    k = ""
                kinds[t] = k
            if k:
                (engines if k == "engine" else pools).append(o)
        # Engines first: a pool reached through its engine comes with the engine's URL.
        for o in engines:
            try:
                add("gc", o, o.pool)
            except Exception:
                pass
        for o in pools:
            add("gc", None, o)
    sa = sys.modules.get("sqlalchemy")
    write({"ok": True, "python": sys.version.split()[0], "pid": os.getpid(),
           "sqlalchemy": getattr(sa, "__version__", None) if sa else None,
           "pools": found, "missing": missing, "scanned": scanned, "scanTruncated": truncated})
`;

/** The whole program for one call: the function above, called with these arguments. */
export function poolProgram(args: PoolArgs): string {
  return resultProgram(script, '_kmt_pools', args);
}

export interface PoolResult {
  readonly pools: readonly PoolFigures[];
  /** One sentence per configured path that gave no pool, and why. */
  readonly problems: readonly string[];
  readonly python?: string;
  readonly sqlalchemy?: string;
}

const text = (v: unknown, max: number) => (typeof v === 'string' && v.length > 0 ? v.slice(0, max) : undefined);
const count = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined);
// overflow() starts at -size in QueuePool; max overflow -1 is "no limit".
const signed = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v >= -1e9 && v <= 1e9 ? v : undefined);
const seconds = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined);

/** A URL's password, if the process sent one anyway, replaced by ***. */
export function withoutPassword(url: string): string {
  return url.replace(/^([a-z][\w+.-]*:\/\/[^:/@?#]*:)[^@/?#]*@/i, '$1***@');
}

/** Drops the undefined keys, so figures compare and serialize cleanly. */
function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** The program's answer, validated (it comes from the pod: nothing in it is trusted). */
export function readPoolResult(result: Record<string, unknown>): PoolResult {
  const pools: PoolFigures[] = [];
  for (const raw of Array.isArray(result.pools) ? result.pools.slice(0, 100) : []) {
    if (!raw || typeof raw !== 'object') continue;
    const p = raw as Record<string, unknown>;
    const poolClass = text(p.poolClass, 100);
    const foundAt = text(p.foundAt, 300);
    if (!poolClass || !foundAt) continue;
    const url = text(p.url, 500);
    pools.push(defined({
      foundAt, url: url && withoutPassword(url), poolClass,
      size: count(p.size), checkedIn: count(p.checkedIn), checkedOut: count(p.checkedOut), overflow: signed(p.overflow),
      maxOverflow: signed(p.maxOverflow), timeoutSeconds: seconds(p.timeoutSeconds),
    }));
  }
  const problems = (Array.isArray(result.missing) ? result.missing.slice(0, 20) : []).flatMap((m) => {
    const path = text((m as Record<string, unknown> | null)?.path, 300);
    const why = text((m as Record<string, unknown> | null)?.why, 300);
    return path ? [`No engine at ${path}: ${why ?? 'not found'}.`] : [];
  });
  if (result.scanTruncated === true) problems.push(`The scan for engines stopped after ${count(result.scanned) ?? '?'} objects: engines beyond them were not looked at.`);
  return defined({ pools, problems, python: text(result.python, 40), sqlalchemy: text(result.sqlalchemy, 40) });
}
