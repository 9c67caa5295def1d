// Writes the policy keys table of README.md ("For IT") from the settings schema, or with --check fails on drift.
import { build } from 'esbuild';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tmp = path.join(root, '.tmp', `it-docs-${process.pid}.mjs`);
await build({
  entryPoints: [path.join(root, 'build', 'it-docs-gen.ts')],
  outfile: tmp,
  bundle: true,
  platform: 'node',
  format: 'esm',
  logLevel: 'warning',
});
const { withPolicyKeysTable } = await import(pathToFileURL(tmp).href);
rmSync(tmp, { force: true });
const readmePath = path.join(root, 'README.md');
const current = readFileSync(readmePath, 'utf8');
const next = withPolicyKeysTable(current);
if (process.argv.includes('--check')) {
  if (next !== current) {
    console.error(
      'README.md: the policy keys table is out of date with the settings schema\nrun: node build/it-docs.mjs',
    );
    process.exit(1);
  }
  console.log('README.md policy keys table matches the settings schema');
} else if (next !== current) {
  writeFileSync(readmePath, next);
  console.log('wrote the policy keys table of README.md');
}
