import { spawnSync } from 'node:child_process';
import path from 'node:path';

/**
 * The benches that drive the browser host run the built bundle: build what is in the tree now (`root`: the project,
 * where `npm run bench` runs). Its warnings and errors are shown; a failed build ends the bench.
 */
export function buildBundle(root = process.cwd()): void {
  const built = spawnSync(process.execPath, [path.join(root, 'build', 'bundle.mjs')], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (built.status !== 0) throw new Error('build failed');
}
