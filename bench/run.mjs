// `npm run bench [-- name [args...]]`: bundles bench/<name>/run.ts with esbuild and runs it with Node.
// Without a name, runs every benchmark in turn (each with its `--quick` size when `--quick` is given).
import { build } from 'esbuild';
import { existsSync, readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const all = readdirSync(here, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(path.join(here, d.name, 'run.ts')))
  .map((d) => d.name);
const [first, ...rest] = process.argv.slice(2);
const chosen = first && !first.startsWith('-') ? [first] : all;
const args = first && !first.startsWith('-') ? rest : process.argv.slice(2);
if (chosen.some((c) => !all.includes(c))) {
  console.error(`unknown benchmark; have: ${all.join(', ')}`);
  process.exit(2);
}
let failed = 0;
for (const name of chosen) {
  const out = path.join(root, '.tmp', `bench-${name}.mjs`);
  await build({
    entryPoints: [path.join(here, name, 'run.ts')],
    outfile: out,
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    logLevel: 'warning',
    sourcemap: true,
  });
  console.log(`\n== bench/${name}`);
  const r = spawnSync(process.execPath, ['--enable-source-maps', out, ...args], { stdio: 'inherit', cwd: root });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
