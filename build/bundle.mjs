// Bundles every runtime: the Node core entries (browser host, CLI, store worker), the Electron shell
// (main + sandboxed preload, CommonJS) and the renderer (Vite). `--only node|electron|renderer` limits it.
import { build as esbuild } from 'esbuild';
import { build as vite } from 'vite';
import { existsSync } from 'node:fs';
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

/** Node entries: dependency packages stay external (native addons must load from node_modules). */
export const nodeEntries = {
  'browser-host': 'electron/browser-host/main.ts',
  cli: 'electron/node/cli/main.ts',
  'store-worker': 'electron/node/store/store-worker.ts',
};

/** Entries of features still being built; every other entry must exist. */
const optionalNodeEntries = new Set([]);

if (want('node')) {
  await esbuild({
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
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
  });
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
