// `npm run dist`: bundle the typed electron-builder configuration and build the installers for this OS.
// Needs the Electron binary, which cannot be downloaded on the development VMs; CI for installers runs elsewhere.
// Needs DIADEMA_UPDATE_FEED too (the HTTPS update feed written into the app): electron-builder stops without it.
import { build as esbuild } from 'esbuild';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'dist', 'electron-builder.config.cjs');
await esbuild({
  entryPoints: [path.join(root, 'build', 'electron-builder.config.ts')],
  outfile: out,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  logLevel: 'warning',
});
const r = spawnSync(
  path.join(root, 'node_modules', '.bin', 'electron-builder'),
  ['--config', out, ...process.argv.slice(2)],
  { stdio: 'inherit', cwd: root },
);
process.exit(r.status ?? 1);
