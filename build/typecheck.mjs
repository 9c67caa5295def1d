// Type-checks every runtime project (the references of the root tsconfig.json) with `tsc -b`: each project is
// checked under its own libs and types, sees only the projects it references, and is rechecked only when it or a
// project it references changed (build info and declarations live in node_modules/.cache/tsc). Extra arguments
// go to tsc (`--verbose`, `--clean`, `--force`).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const args = [tsc, '-b', path.join(root, 'tsconfig.json'), '--pretty', ...process.argv.slice(2)];
const r = spawnSync(process.execPath, args, { stdio: 'inherit', cwd: root });
if (r.status !== 0) console.error('typecheck failed');
process.exit(r.status ?? 1);
