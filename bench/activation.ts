// How long a window waits for the extension: require(dist/extension.js) then activate(), in a
// fresh Node process per run with a stub `vscode` module (every member a callable, constructible
// no-op), so only our own module loading and activate() are timed. Then the first use (the Pods
// view showing or a command: here, reading the API's `pods`), which requires dist/core.js with
// client-node and builds the objects: the part activation no longer waits for.
// Run: sh scripts/node.sh npm run build && sh scripts/node.sh node bench/activation.ts [runs]
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

const dist = path.resolve('dist/extension.js');
const bundles = [dist, path.resolve('dist/core.js')].filter((f) => existsSync(f));

function stub(): unknown {
  const target = function () {} as unknown as object;
  const proxy: unknown = new Proxy(target, {
    get: (_t, key) => {
      if (key === Symbol.toPrimitive) return () => 'stub';
      if (key === Symbol.iterator) return function* () {};
      if (key === 'then') return undefined;
      if (key === 'visible') return false; // a window whose Pods view is not showing yet
      return proxy;
    },
    set: () => true,
    apply: () => proxy,
    construct: () => proxy as object,
  });
  return proxy;
}

// esbuild copies the module's own names (import * as vscode): give it every name the bundle reads.
function vscodeModule(): Record<string, unknown> {
  const names = new Set(bundles.flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/\bvscode\d*\.([A-Za-z_]\w*)/g)].map((m) => m[1]!)));
  return Object.fromEntries([...names].map((n) => [n, stub()]));
}

interface Run { requireMs: number; activateMs: number; firstUseMs: number }

function once(): Run {
  const Module = createRequire(import.meta.url)('node:module') as { _load: (request: string, ...rest: unknown[]) => unknown };
  const load = Module._load;
  const vscode = vscodeModule();
  Module._load = (request: string, ...rest: unknown[]) => (request === 'vscode' ? vscode : load(request, ...rest));
  // the ExtensionContext: a real subscriptions array and version, every other member a stub
  const context = new Proxy({ subscriptions: [] as unknown[], extension: { packageJSON: { version: 'bench' } } } as Record<string | symbol, unknown>, { get: (t, k) => (k in t ? t[k] : stub()) });
  const t0 = performance.now();
  const ext = createRequire(import.meta.url)(dist) as { activate: (c: unknown) => { pods?: unknown } | undefined };
  const t1 = performance.now();
  const api = ext.activate(context);
  const t2 = performance.now();
  void api?.pods; // the first use: what the view or a command loads
  const t3 = performance.now();
  return { requireMs: t1 - t0, activateMs: t2 - t1, firstUseMs: t3 - t2 };
}

if (process.argv[2] === '--once') {
  process.stdout.write(JSON.stringify(once()));
  process.exit(0);
} else {
  const runs = Number(process.argv[2] ?? 5);
  const results = [];
  for (let i = 0; i < runs; i++) {
    const out = execFileSync(process.execPath, ['--disable-warning=MODULE_TYPELESS_PACKAGE_JSON', new URL(import.meta.url).pathname, '--once'], { encoding: 'utf8' });
    results.push(JSON.parse(out) as Run);
  }
  for (const r of results) console.log(`require ${r.requireMs.toFixed(1)} ms, activate ${r.activateMs.toFixed(1)} ms, total ${(r.requireMs + r.activateMs).toFixed(1)} ms; first use ${r.firstUseMs.toFixed(1)} ms`);
  const summary = (what: string, values: number[]) => {
    const v = [...values].sort((a, b) => a - b);
    console.log(`${runs} runs, ${what}: median ${v[Math.floor(runs / 2)]!.toFixed(1)} ms, range ${v[0]!.toFixed(1)}-${v[runs - 1]!.toFixed(1)} ms`);
  };
  summary('require + activate', results.map((r) => r.requireMs + r.activateMs));
  summary('first use (loads dist/core.js)', results.map((r) => r.firstUseMs));
}
