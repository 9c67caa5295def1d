import { build } from 'esbuild';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The repository: found upwards from this file (test/support, or .tmp when a benchmark bundles it). */
const root = (() => {
  for (let d = path.dirname(fileURLToPath(import.meta.url)); d !== path.dirname(d); d = path.dirname(d)) {
    if (existsSync(path.join(d, 'electron', 'node', 'store', 'store-worker.ts'))) return d;
  }
  return process.cwd();
})();

/**
 * Bundles Node entries (the store worker, child-process scripts) from TypeScript source with esbuild into a fresh
 * folder under the repository's `.tmp/` (so `better-sqlite3` resolves from node_modules), the way build/bundle.mjs
 * does for dist/node. Returns each entry's file URL.
 */
export async function bundleEntries<K extends string>(
  entries: Record<K, string>,
): Promise<{ urls: Record<K, URL>; dir: string; dispose(): void }> {
  mkdirSync(path.join(root, '.tmp'), { recursive: true });
  const dir = mkdtempSync(path.join(root, '.tmp', 'store-build-'));
  await build({
    entryPoints: Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, path.join(root, v as string)])),
    outdir: dir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
  });
  const urls = Object.fromEntries(
    Object.keys(entries).map((k) => [k, pathToFileURL(path.join(dir, `${k}.mjs`))]),
  ) as Record<K, URL>;
  return { urls, dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The store worker built from source. */
export const bundleStoreWorker = async () => {
  const b = await bundleEntries({ 'store-worker': 'electron/node/store/store-worker.ts' });
  return { url: b.urls['store-worker'], dispose: b.dispose };
};
