// Type-checks every runtime project on its own, so that a file compiled under the wrong libs fails here.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const projects = [
  'electron/common', 'electron/node', 'electron/browser-host', 'electron/main', 'electron/preload',
  'renderer', 'test', 'bench', 'build',
];
let failed = 0;
for (const project of projects) {
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', path.join(root, project, 'tsconfig.json')], { stdio: 'inherit' });
  if (r.status !== 0) { failed++; console.error(`typecheck failed: ${project}`); }
}
process.exit(failed ? 1 : 0);
