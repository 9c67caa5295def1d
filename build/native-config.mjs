// Writes native-config/ from the settings schema, or with --check fails when the committed files drifted.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tmp = path.join(root, '.tmp', `native-config-${process.pid}.mjs`);
await build({
  entryPoints: [path.join(root, 'build', 'native-config-gen.ts')],
  outfile: tmp,
  bundle: true,
  platform: 'node',
  format: 'esm',
  logLevel: 'warning',
});
const { generateNativeConfig } = await import(pathToFileURL(tmp).href);
rmSync(tmp, { force: true });
const files = generateNativeConfig();
const check = process.argv.includes('--check');
const drifted = [];
for (const [rel, text] of Object.entries(files)) {
  const file = path.join(root, 'native-config', rel);
  if (check) {
    let current = '';
    try {
      current = readFileSync(file, 'utf8');
    } catch {
      /* missing counts as drift */
    }
    if (current !== text) drifted.push(rel);
  } else {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
}
if (drifted.length) {
  console.error(
    `native-config is out of date with the settings schema: ${drifted.join(', ')}\nrun: node build/native-config.mjs`,
  );
  process.exit(1);
}
console.log(
  check ? 'native-config matches the settings schema' : `wrote ${Object.keys(files).length} files to native-config/`,
);
