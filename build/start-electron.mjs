// `npm start`: build, then run the Electron shell — if this machine has the Electron binary. Where it could not be
// downloaded, say so in one line and point to the browser host. `require('electron')` is not the way to ask: since
// Electron 42 it tries to download the binary and throws, so this reads the package's path.txt and dist/ instead.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The Electron executable the `electron` package would run, or undefined when it is not on this machine. */
export function electronBinary(env = process.env) {
  let dir;
  try {
    dir = path.dirname(createRequire(path.join(root, 'package.json')).resolve('electron/package.json'));
  } catch {
    return undefined;
  }
  const pathFile = path.join(dir, 'path.txt');
  const executable = existsSync(pathFile) ? readFileSync(pathFile, 'utf8') : undefined;
  // The package's own override, as its index.js reads it.
  const binary = env.ELECTRON_OVERRIDE_DIST_PATH
    ? path.join(env.ELECTRON_OVERRIDE_DIST_PATH, executable || 'electron')
    : executable && path.join(dir, 'dist', executable);
  return binary && existsSync(binary) ? binary : undefined;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const binary = electronBinary();
  if (!binary) {
    console.error('Electron is not installed on this machine; run the browser host instead: npm run start:browser');
    process.exit(1);
  }
  const opts = { stdio: 'inherit', cwd: root };
  const build = spawnSync(process.execPath, [path.join(root, 'build', 'bundle.mjs')], opts);
  if (build.status !== 0) process.exit(build.status ?? 1);
  const app = spawnSync(binary, [path.join(root, 'dist', 'electron', 'main.cjs'), ...process.argv.slice(2)], opts);
  if (app.error) {
    console.error(`npm start: could not run ${binary}: ${app.error.message}`);
    process.exit(1);
  }
  process.exit(app.status ?? 1);
}
