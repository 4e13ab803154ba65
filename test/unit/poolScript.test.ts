// The program run in the live process for step 4, run for real by /usr/bin/python3 (SQLAlchemy
// 1.4 and psycopg2 from Debian) in a child of this test, called the way PyRun_SimpleString would
// (the bootstrap string exec'd on the main thread), then its answer read by readPoolResult.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { bootstrapFor } from '../../src/heap/python/gdbDriver.ts';
import { poolProgram, readPoolResult, withoutPassword, type PoolArgs } from '../../src/heap/python/poolScript.ts';

const python = '/usr/bin/python3';
const dir = mkdtempSync(join(tmpdir(), 'kmt-pool-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// A service like python-api: infrastructure.db's engine on a QueuePool (4 checked out, 1 given
// back), a second engine only a closure holds (found by the gc scan, its password hidden), a
// module attribute that is some other library's pool, and an Engine whose pool property raises.
const service = `import sys, types
from sqlalchemy import create_engine
from sqlalchemy.engine.base import Engine
from sqlalchemy.pool import QueuePool
db = types.ModuleType("infrastructure.db")
db.engine = create_engine("sqlite:///${dir}/orders.db", poolclass=QueuePool, pool_size=5, max_overflow=10, pool_timeout=2.5)
class SimpleConnectionPool:  # psycopg2.pool's kind: not SQLAlchemy's
    pass
SimpleConnectionPool.__module__ = "psycopg2.pool"
db.other = SimpleConnectionPool()
sys.modules["infrastructure.db"] = db
held = [db.engine.connect() for _ in range(4)]
held.pop().close()
def _hidden():
    e = create_engine("postgresql://billing:hunter2@db.internal:5432/billing", pool_size=2, max_overflow=0)
    return lambda: e
keep = _hidden()
class Broken(Engine):
    @property
    def pool(self):
        raise RuntimeError("half-built")
broken = object.__new__(Broken)
`;

interface Raw { ok: boolean; pools: Record<string, unknown>[]; missing: { path: string; why: string }[]; scanned: number; scanTruncated: boolean; sqlalchemy: string | null; error?: string }

/** Runs `setup`, then the program with these arguments; its answer, and what the process says after it. */
function run(setup: string, args: Partial<PoolArgs>): Promise<{ raw: Raw; after: { sqlalchemyLoaded: boolean; resultLeft: boolean } }> {
  const out = join(dir, `kmt-${Math.random().toString(16).slice(2)}.json`);
  const full: PoolArgs = { out, engines: ['infrastructure.db:engine'], gcLimit: 1_000_000, maxPools: 50, ...args };
  const harness = `${setup}
import json, os, sys
exec(${JSON.stringify(bootstrapFor(poolProgram(full)))})
with open(${JSON.stringify(out)}) as f:
    raw = json.load(f)
os.unlink(${JSON.stringify(out)})
print(json.dumps({"raw": raw, "after": {"sqlalchemyLoaded": "sqlalchemy" in sys.modules, "resultLeft": os.path.exists(${JSON.stringify(out + '.tmp')})}}))
`;
  const file = join(dir, `harness-${Math.random().toString(16).slice(2)}.py`);
  writeFileSync(file, harness);
  return new Promise((resolve, reject) => {
    execFile(python, [file], { timeout: 30_000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`${err.message}\n${stderr}`));
      // The program never prints: the harness's line is all there is.
      try { resolve(JSON.parse(stdout)); } catch { reject(new Error(`not one JSON line: ${stdout}`)); }
    });
  });
}

test('the engine at the configured path and one only the gc scan finds, with their figures; odd objects do not stop it', async () => {
  const { raw } = await run(service, { engines: ['infrastructure.db:engine', 'infrastructure.db:other', 'infrastructure.db:nope', 'billing.db:engine'] });
  assert.equal(raw.ok, true, raw.error);
  assert.match(raw.sqlalchemy ?? '', /^1\.4\./);
  assert.ok(raw.scanned > 1000 && raw.scanTruncated === false);
  const result = readPoolResult(raw as unknown as Record<string, unknown>);
  assert.deepEqual(result.pools, [
    { foundAt: 'infrastructure.db:engine', url: `sqlite:///${dir}/orders.db`, poolClass: 'QueuePool', size: 5, checkedIn: 1, checkedOut: 3, overflow: -1, maxOverflow: 10, timeoutSeconds: 2.5 },
    { foundAt: 'gc', url: 'postgresql://billing:***@db.internal:5432/billing', poolClass: 'QueuePool', size: 2, checkedIn: 0, checkedOut: 0, overflow: -2, maxOverflow: 0, timeoutSeconds: 30 },
  ]);
  assert.deepEqual(result.problems, [
    'No engine at infrastructure.db:other: it is a psycopg2.pool.SimpleConnectionPool, not a SQLAlchemy Engine or Pool.',
    'No engine at infrastructure.db:nope: infrastructure.db has no attribute nope.',
    'No engine at billing.db:engine: the module billing.db is not imported in this process.',
  ]);
});

test('a process without SQLAlchemy: nothing is imported, nothing scanned, the path is reported missing', async () => {
  const { raw, after: state } = await run('import json', {});
  assert.equal(raw.ok, true, raw.error);
  assert.deepEqual([raw.pools, raw.scanned, raw.sqlalchemy, state.sqlalchemyLoaded, state.resultLeft], [[], 0, null, false, false]);
  assert.deepEqual(readPoolResult(raw as unknown as Record<string, unknown>).problems, ['No engine at infrastructure.db:engine: the module infrastructure.db is not imported in this process.']);
});

test('the gc scan is bounded, and says so', async () => {
  const { raw } = await run(service, { engines: [], gcLimit: 50 });
  assert.deepEqual([raw.scanned, raw.scanTruncated], [51, true]);
  assert.match(readPoolResult(raw as unknown as Record<string, unknown>).problems.join(), /^The scan for engines stopped after 51 objects/);
  const few = await run(service, { engines: ['infrastructure.db:engine'], maxPools: 1 });
  assert.deepEqual(few.raw.pools.map((p) => p.foundAt), ['infrastructure.db:engine']);
});

test('the answer from the pod is validated: bad figures dropped, a password in a URL hidden, bounds', () => {
  const r = readPoolResult({
    ok: true,
    pools: [
      { foundAt: 'gc', poolClass: 'QueuePool', url: 'postgresql://u:pw@h:5432/d', size: -1, checkedIn: 1.5, checkedOut: 'many', overflow: -3, maxOverflow: -1, timeoutSeconds: Infinity },
      { foundAt: 'gc' }, null, 'x', { foundAt: '', poolClass: 'QueuePool' },
    ],
    missing: [{ path: 'a:b' }, { why: 'no path' }, 7],
  });
  assert.deepEqual(r.pools, [{ foundAt: 'gc', poolClass: 'QueuePool', url: 'postgresql://u:***@h:5432/d', overflow: -3, maxOverflow: -1 }]);
  assert.deepEqual(r.problems, ['No engine at a:b: not found.']);
  assert.deepEqual(readPoolResult({ pools: Array.from({ length: 500 }, () => ({ foundAt: 'gc', poolClass: 'P' })) }).pools.length, 100);
  assert.equal(withoutPassword('mysql+pymysql://app:p%40ss@mysql:3306/x?charset=utf8'), 'mysql+pymysql://app:***@mysql:3306/x?charset=utf8');
  assert.equal(withoutPassword('postgresql://app@db/x'), 'postgresql://app@db/x');
  assert.equal(withoutPassword('sqlite:////tmp/orders.db'), 'sqlite:////tmp/orders.db');
});

test('an exception in the program is its answer ({ok: false}), written by the shared wrapper; nothing is printed', async () => {
  const { raw } = await run('import json', { engines: 5 as unknown as string[] });
  assert.deepEqual([raw.ok, raw.error], [false, 'TypeError']);
  assert.match((raw as unknown as { detail: string }).detail, /not iterable/);
});
