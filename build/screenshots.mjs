// `npm run screenshots`: bundles test/screenshots/run.ts with esbuild (as bench/run.mjs does) and runs it; it
// re-runs itself in a private network namespace, starts the lab, and writes docs/screenshots/<language>/*.png.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, '.tmp', 'screenshots.mjs');
await build({
  entryPoints: [path.join(root, 'test', 'screenshots', 'run.ts')],
  outfile: out,
  bundle: true,
  platform: 'node',
  format: 'esm',
  packages: 'external',
  logLevel: 'warning',
  sourcemap: true,
});
const r = spawnSync(process.execPath, ['--enable-source-maps', out, ...process.argv.slice(2)], {
  stdio: 'inherit',
  cwd: root,
  env: { ...process.env, DIADEMA_ROOT: root },
});
process.exit(r.status ?? 1);
