// Bundles every runtime: the Node core entries (browser host, CLI, store worker), the Electron shell
// (main + sandboxed preload, CommonJS) and the renderer (Vite). `--only node|electron|renderer` limits it.
import { build as esbuild } from 'esbuild';
import { build as vite } from 'vite';
import { existsSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { inputsFingerprint, recordBundle } from './build-stamp.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const only = (() => {
  const i = process.argv.indexOf('--only');
  return i > 0 ? process.argv[i + 1] : undefined;
})();
const want = (part) => !only || only === part;
const r = (p) => path.join(root, p);
// Taken before building: an edit made while the build runs leaves the recorded inputs stale, as it should.
const fingerprint = only ? undefined : inputsFingerprint(root);
// esbuild resolves the `@common/*` alias itself: it reads `paths` from each file's nearest tsconfig.json (all of
// them extend tsconfig.base.json, where the alias is defined). Vite does the same (`resolve.tsconfigPaths`).

/** Node entries: bundled with their dependencies, except the native addons, which must load from node_modules. */
export const nodeEntries = {
  'browser-host': 'electron/browser-host/main.ts',
  cli: 'electron/node/cli/main.ts',
  'store-worker': 'electron/node/store/store-worker.ts',
};

/**
 * Loaded from node_modules at run time: native addons (and ws's optional native helpers), which cannot be bundled.
 * Everything else the Node entries import is in the bundles.
 */
export const nodeExternal = ['better-sqlite3', 'node-hid', '@vscode/policy-watcher', 'bufferutil', 'utf-8-validate'];

/**
 * The npm packages whose code the Node bundles contain, from esbuild's metafile: the Debian package still ships
 * them (their licences with them) and lists them in its copyright file.
 */
export function bundledPackages(metafile) {
  const names = new Set();
  for (const input of Object.keys(metafile.inputs)) {
    const m = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (m) names.add(m[1]);
  }
  return [...names].sort();
}

/** Entries of features still being built; every other entry must exist. */
const optionalNodeEntries = new Set([]);

if (want('node')) {
  const result = await esbuild({
    entryPoints: Object.fromEntries(
      Object.entries(nodeEntries)
        .map(([k, v]) => [k, r(v)])
        .filter(([k, v]) => (optionalNodeEntries.has(k) ? existsSync(v) : true)),
    ),
    outdir: r('dist/node'),
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Each package loaded from node_modules kept its own module records and full source text in the core's heap,
    // and again in the store worker's (341 modules: SIP.js 191, zod 95, jose 46, ws 8). Bundled and minified (names
    // kept, so stack traces still read; the source map is beside), the idle core's V8 heaps hold 15.4 + 8.4 →
    // 11.4 + 7.0 MiB (main thread + store worker, bench/footprint README).
    external: nodeExternal,
    minifyWhitespace: true,
    minifySyntax: true,
    // A CommonJS dependency bundled into ESM (ws) still calls require() for Node's built-ins.
    banner: {
      js: "import { createRequire as __bundleRequire } from 'node:module';\nconst require = __bundleRequire(import.meta.url);",
    },
    metafile: true,
    sourcemap: true,
    logLevel: 'warning',
  });
  writeFileSync(r('dist/node/bundled-packages.json'), `${JSON.stringify(bundledPackages(result.metafile), null, 2)}\n`);
}
if (want('electron')) {
  await esbuild({
    entryPoints: { main: r('electron/main/main.ts'), preload: r('electron/preload/preload.ts') },
    outdir: r('dist/electron'),
    outExtension: { '.js': '.cjs' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    external: ['electron', 'better-sqlite3', 'node-hid', '@vscode/policy-watcher', 'electron-updater'],
    sourcemap: true,
    logLevel: 'warning',
  });
}
if (want('renderer')) {
  await vite({ configFile: r('renderer/vite.config.ts'), logLevel: 'warn' });
}
if (fingerprint) recordBundle(root, fingerprint);
