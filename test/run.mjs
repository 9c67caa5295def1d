// `npm test`: type-check every runtime, lint, build, then run every vitest project (unit, renderer,
// integration against the SIP lab, end to end in Chromium). WebRTC in Chromium would otherwise use the machine's
// other interface, so the whole run moves into a private network namespace that has only loopback.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { withSbinDirs } from '../build/system-packages.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);

// `ip`, kamailio and rtpengine live in /usr/sbin, which is not on an ordinary user's PATH; every child inherits this.
process.env.PATH = withSbinDirs(process.env.PATH);

// The Debian packages the tests need (build/system-packages.mjs): installed when root, else the line to run.
// Before the namespace below, which has no network for apt-get. DIADEMA_SKIP_PREFLIGHT=1 skips it.
if (!process.env.DIADEMA_IN_NETNS) {
  const preflight = path.join(root, 'build', 'preflight.mjs');
  const r = spawnSync(process.execPath, [preflight, 'tests'], { stdio: 'inherit', cwd: root });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const projects = args.flatMap((a, i) => (args[i - 1] === '--project' ? [a] : []));
if (!process.env.DIADEMA_IN_NETNS && process.getuid?.() === 0 && (!projects.length || projects.includes('package'))) {
  // The package project (root only) builds a deb that carries a Node runtime from the npm registry: fetch it into
  // the cache while there is a network (the namespace below has only loopback). A failure shows in that test.
  spawnSync(process.execPath, [path.join(root, 'build', 'deb', 'node-runtime.mjs')], { stdio: ['ignore', 'ignore', 'inherit'], cwd: root });
}

if (!process.env.DIADEMA_IN_NETNS && process.platform === 'linux' && !process.env.DIADEMA_NO_NETNS) {
  const asRoot = process.getuid?.() === 0;
  const r = spawnSync('unshare', [asRoot ? '-n' : '-rn', '--', 'sh', '-c', 'ip link set lo up && exec "$0" "$@"', process.execPath, fileURLToPath(import.meta.url), ...args], {
    stdio: 'inherit', cwd: root, env: { ...process.env, DIADEMA_IN_NETNS: '1' },
  });
  if (r.error || r.status === null) {
    console.error(`test/run: could not enter a private network namespace (${r.error?.message ?? r.signal}); set DIADEMA_NO_NETNS=1 to run without one`);
    process.exit(1);
  }
  process.exit(r.status);
}

const step = (title, cmd, cmdArgs) => {
  console.log(`\n== ${title}`);
  const r = spawnSync(cmd, cmdArgs, { stdio: 'inherit', cwd: root });
  if (r.status !== 0) { console.error(`== ${title}: failed`); process.exit(r.status ?? 1); }
};
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
if (!args.includes('--no-checks')) {
  step('typecheck', process.execPath, [path.join(root, 'build', 'typecheck.mjs')]);
  step('lint', bin('eslint'), ['.']);
  step('native-config drift', process.execPath, [path.join(root, 'build', 'native-config.mjs'), '--check']);
}
step('build', process.execPath, [path.join(root, 'build', 'bundle.mjs')]);
step('vitest', bin('vitest'), ['run', ...args.filter((a) => a !== '--no-checks')]);
