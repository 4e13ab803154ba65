// The extension host in two bundles (node, cjs, vscode external): a small entry and the rest it
// requires lazily; the heap worker; the webview (browser, iife).
// client-node is ESM-only; esbuild bundles it into the cjs extension so no loader tricks are needed.
import * as esbuild from 'esbuild';
import { readdirSync, existsSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  logLevel: 'info',
};

// Every src/webview/<name>.ts that is not the protocol or a helper module is an entry.
const webviewEntries = existsSync('src/webview')
  ? readdirSync('src/webview')
      .filter((f) => /^[a-zA-Z]+Main\.ts$/.test(f))
      .map((f) => `src/webview/${f}`)
  : [];

const contexts = [
  // The entry VS Code requires: the commands, the Pods view and the panel serializer, nothing heavy.
  await esbuild.context({
    ...common,
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
  }),
  // The rest (client-node among it), required by the entry on first use.
  await esbuild.context({
    ...common,
    entryPoints: ['src/core.ts'],
    outfile: 'dist/core.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    mainFields: ['module', 'main'],
    // readSnapshot.ts finds its worker by __dirname when bundled; import.meta only serves the .ts source
    logOverride: { 'empty-import-meta': 'silent' },
  }),
  // the heap-snapshot reader's worker thread, loaded from beside dist/extension.js
  await esbuild.context({
    ...common,
    entryPoints: ['src/heap/v8/snapshotWorker.ts'],
    outfile: 'dist/snapshotWorker.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  }),
];
if (webviewEntries.length > 0) {
  contexts.push(
    await esbuild.context({
      ...common,
      entryPoints: webviewEntries,
      outdir: 'dist/webview',
      platform: 'browser',
      format: 'iife',
      target: 'es2022',
      loader: { '.css': 'css' },
    }),
  );
}
// The extension-host test suite is bundled too, so the same files run in code-server and electron.
if (existsSync('test/suite/index.ts')) {
  contexts.push(
    await esbuild.context({
      ...common,
      sourcemap: 'inline',
      entryPoints: ['test/suite/index.ts'],
      outfile: 'out/suite/index.js',
      // index.ts requires every test/suite/*.test.ts by name; adding a file there is enough.
      define: {
        KMT_SUITE_TESTS: JSON.stringify(
          readdirSync('test/suite').filter((f) => f.endsWith('.test.ts')).map((f) => f.slice(0, -'.test.ts'.length)),
        ),
      },
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['vscode', 'mocha', 'esbuild'], // these load from node_modules beside out/
      mainFields: ['module', 'main'],
    }),
  );
}

if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
}
