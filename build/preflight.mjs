// `node build/preflight.mjs <purpose>`: are the Debian packages this command needs (build/system-packages.mjs)
// present? If not: as root with apt-get, install them (and stop the system services their install started); as
// anyone else, print the one line to run and exit 1; without apt-get, name the packages and exit 1. Never a stack
// trace: a newcomer's first command must tell them what to do. DIADEMA_SKIP_PREFLIGHT=1 skips it all.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { servicesToStop, systemPackages, withSbinDirs } from './system-packages.mjs';

const executable = (file) => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** Whether `command` is on PATH, or in an sbin folder (where Debian puts kamailio and ip, off a user's PATH). */
export function findCommand(command, pathVar = process.env.PATH ?? '') {
  const dirs = withSbinDirs(pathVar).split(':');
  return dirs.some((d) => executable(path.join(d, command)));
}

/** Whether the package's proof is on this machine. */
export function isPresent(pkg, env = process.env) {
  if (pkg.env && env[pkg.env]) return existsSync(env[pkg.env]);
  if (pkg.command) return findCommand(pkg.command, env.PATH);
  return pkg.file.some((f) => existsSync(f));
}

export const installArgs = (packages) => ['install', '-y', '--no-install-recommends', ...packages];

/**
 * What to do about the missing packages: nothing (`ok`), install them (`install`: root with apt-get), or stop with
 * the one line that says what to run (`stop`).
 */
export function decide({ missing, uid, hasAptGet }) {
  if (missing.length === 0) return { action: 'ok' };
  const needs = `Diadema needs these Debian packages: ${missing.join(', ')}`;
  if (!hasAptGet) {
    return {
      action: 'stop',
      line: `${needs} — this system has no apt-get: install the equivalents, or set DIADEMA_SKIP_PREFLIGHT=1 if they are there`,
    };
  }
  if (uid === 0) return { action: 'install', packages: missing };
  return { action: 'stop', line: `${needs} — run: sudo apt-get ${installArgs(missing).join(' ')}` };
}

function run(purpose) {
  const packages = systemPackages[purpose];
  if (!packages) {
    console.error(`usage: node build/preflight.mjs <${Object.keys(systemPackages).join('|')}>`);
    return 2;
  }
  if (process.env.DIADEMA_SKIP_PREFLIGHT === '1') return 0;
  const missingNow = () => packages.filter((p) => !isPresent(p)).map((p) => p.name);
  const missing = missingNow();
  const decision = decide({ missing, uid: process.getuid?.(), hasAptGet: findCommand('apt-get') });
  if (decision.action === 'ok') return 0;
  if (decision.action === 'stop') {
    console.error(decision.line);
    return 1;
  }

  console.error(`preflight: installing ${decision.packages.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const apt = (args) => spawnSync('apt-get', ['-qq', ...args], { stdio: ['ignore', 'ignore', 'inherit'], env });
  const update = apt(['update']);
  const install = update.status === 0 ? apt(installArgs(decision.packages)) : update;
  if (install.status !== 0) {
    const what = install === update ? 'apt-get update' : 'apt-get install';
    console.error(
      `preflight: ${what} failed; run it by hand: apt-get update && apt-get ${installArgs(missing).join(' ')}`,
    );
    return 1;
  }
  // Package scripts may have started the system services on their default ports; the lab uses its own.
  for (const svc of servicesToStop.filter((s) => decision.packages.includes(s))) stopService(svc);
  const still = missingNow();
  if (still.length) {
    console.error(`preflight: installed, yet still missing what proves these packages: ${still.join(', ')}`);
    return 1;
  }
  return 0;
}

function stopService(svc) {
  const quiet = { stdio: 'ignore' };
  const stopped = spawnSync('systemctl', ['stop', svc], quiet).status === 0;
  if (stopped) spawnSync('systemctl', ['disable', svc], quiet);
  else spawnSync('service', [svc, 'stop'], quiet);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = run(process.argv[2]);
}
