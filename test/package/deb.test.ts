import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { labAccount } from '../support/lab-env';

// The Debian package of the browser host, for real: built once (build/deb/dist-deb.mjs), checked by lintian,
// installed with apt-get, the installed commands run against the lab, then purged with nothing left behind.
// Installing needs root and Debian's tools; elsewhere the whole file is skipped with the reason printed.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const pkgName = 'diadema-browser';
const installedPaths = [
  '/usr/lib/diadema',
  '/usr/bin/diadema',
  '/usr/bin/diadema-browser',
  '/etc/diadema',
  '/usr/share/applications/diadema-browser.desktop',
  '/lib/udev/rules.d/70-diadema-headsets.rules',
  '/usr/share/doc/diadema-browser',
  '/usr/share/man/man1/diadema.1.gz',
  '/usr/share/man/man1/diadema-browser.1.gz',
  '/usr/share/lintian/overrides/diadema-browser',
];

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const skipReason =
  process.getuid?.() !== 0
    ? 'installing a package needs root'
    : !['apt-get', 'dpkg-deb', 'dpkg-shlibdeps', 'lintian'].every(has)
      ? 'apt-get, dpkg-dev and lintian are needed (sudo apt-get install dpkg-dev lintian)'
      : undefined;
if (skipReason) console.warn(`test/package/deb: skipped: ${skipReason}`);

function run(cmd: string, args: string[], timeout = 120_000): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, {
    cwd: root,
    encoding: 'utf8',
    timeout,
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}
const apt = (...args: string[]) => run('apt-get', ['-y', '-q', '-o', 'DPkg::Lock::Timeout=120', ...args], 300_000);
const output = (r: SpawnSyncReturns<string>) => `${r.stdout}${r.stderr}${r.error ? String(r.error) : ''}`;
/** Whether the process `pid` ended within `ms`. */
async function gone(pid: number, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; ; await new Promise((r) => setTimeout(r, 100))) {
    try {
      process.kill(pid, 0);
    } catch {
      return true;
    }
    if (Date.now() >= end) return false;
  }
}
/** Runs `kill`, ignoring a process that ended meanwhile. */
function ignoreEnded(kill: () => void): void {
  try {
    kill();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
  }
}
const isInstalled = () => /^install ok/.test(run('dpkg-query', ['-W', '-f=${Status}', pkgName]).stdout);

describe.skipIf(skipReason !== undefined)('the Debian package of the browser host', () => {
  const lab = inject('lab');
  let deb = '';
  let buildOutput = '';

  beforeAll(() => {
    // A leftover from an interrupted run is this test's own package: start from a machine without it.
    if (isInstalled()) apt('purge', pkgName);
    const started = Date.now();
    const r = run(process.execPath, [path.join(root, 'build/deb/dist-deb.mjs')], 600_000);
    buildOutput = output(r);
    if (r.status !== 0) throw new Error(`dist-deb failed:\n${buildOutput}`);
    deb =
      readdirSync(path.join(root, 'dist'))
        .map((f) => path.join(root, 'dist', f))
        .find((f) => /diadema-browser_[^_]+_amd64\.deb$/.test(f)) ?? '';
    console.log(`${buildOutput.trim()}; built in ${Math.round((Date.now() - started) / 1000)} s`);
  }, 600_000);

  afterAll(() => {
    if (isInstalled()) apt('purge', pkgName);
  }, 300_000);

  it('passes lintian (errors and warnings; overrides explained in build/deb/README.md)', () => {
    const r = run('lintian', ['--fail-on', 'error,warning', '--display-info', deb], 300_000);
    expect(r.status, output(r)).toBe(0);
  }, 300_000);

  it('installs with apt-get, with only the policy example under /etc/diadema', () => {
    const r = apt('install', '--no-install-recommends', deb);
    expect(r.status, output(r)).toBe(0);
    expect(isInstalled()).toBe(true);
    for (const p of installedPaths) expect(existsSync(p), p).toBe(true);
    expect(readdirSync('/etc/diadema')).toEqual(['policy.example.json']);
    const conffiles = run('dpkg-query', ['-W', '-f=${Conffiles}', pkgName]).stdout;
    expect(conffiles).toContain('/etc/diadema/policy.example.json');
  }, 300_000);

  it('runs the installed `diadema doctor` against the lab: registered, exit 0', () => {
    const a = labAccount(lab, 5);
    const r = run(
      '/usr/bin/diadema',
      ['doctor', '--server', lab.ws, '--user', a.user, '--password', a.password],
      60_000,
    );
    expect(r.status, output(r)).toBe(0);
    expect(r.stdout).toMatch(/^registered:/m);
  }, 60_000);

  it('starts the installed browser host headless until it registers, and stops on SIGTERM', async () => {
    const a = labAccount(lab, 6);
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'diadema-package-agent-'));
    // Whatever fails, neither the host nor its Chromium outlives the test.
    const started: number[] = [];
    const leftovers = [dataDir];
    try {
      const settings = path.join(dataDir, 'seed.json');
      writeFileSync(
        settings,
        JSON.stringify({ 'account.server': lab.ws, 'account.user': a.user, 'account.password': a.password }),
      );
      // The installed host exactly as the desktop entry starts it, plus the scripted-agent options; Chromium headless.
      const child = spawn('/usr/bin/diadema-browser', ['--headless', '--settings', settings, '--data-dir', dataDir], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      if (child.pid) started.push(child.pid);
      let err = '';
      child.stderr.on('data', (d: Buffer) => {
        err += d.toString();
      });
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      const registered = await new Promise<boolean>((resolve) => {
        const t = setTimeout(() => resolve(false), 30_000);
        child.stderr.on('data', () => {
          if (/\bregistered\b/.test(err) && !/registration failed/.test(err)) {
            clearTimeout(t);
            resolve(true);
          }
        });
        void exited.then(() => {
          clearTimeout(t);
          resolve(false);
        });
      });
      expect(registered, err).toBe(true);
      expect(err).toContain(`sip:${a.user}@${lab.domain}`);
      // The host started Chromium on its own page: a child process of the host, headless here.
      // (Registration may come first: poll for the child a few seconds.)
      let chromium = '';
      for (let end = Date.now() + 5000; !/chromium/.test(chromium) && Date.now() < end;) {
        await new Promise((r) => setTimeout(r, 100));
        chromium = run('pgrep', ['-a', '-P', String(child.pid)]).stdout;
      }
      // Either Debian's /usr/bin/chromium wrapper or, once it has exec'd, Chromium with the flags reordered.
      expect(chromium).toMatch(/^\d+ .*chromium.* --headless( |$)/m);
      expect(chromium).toMatch(/^\d+ .*chromium.* http:\/\/127\.0\.0\.1:\d+\//m);
      const chromiumPid = Number(/^(\d+) .*chromium/m.exec(chromium)?.[1]);
      started.push(chromiumPid);
      const profile = /--user-data-dir=(\S+)/.exec(chromium)?.[1];
      if (profile) leftovers.push(profile);
      child.kill('SIGTERM');
      const code = await Promise.race([
        exited,
        new Promise<string>((r) => setTimeout(() => r('still running'), 10_000)),
      ]);
      if (code === 'still running') child.kill('SIGKILL');
      expect(code, err).toBe(0);
      expect(await gone(chromiumPid, 5000), 'Chromium outlives the host').toBe(true);
      expect(profile && existsSync(profile), `Chromium profile ${profile} left behind`).toBe(false);
    } finally {
      for (const pid of started.filter(Number.isInteger)) {
        if (!(await gone(pid, 0))) ignoreEnded(() => process.kill(pid, 'SIGKILL'));
      }
      for (const dir of leftovers) rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('purges with nothing left behind', () => {
    const r = apt('purge', pkgName);
    expect(r.status, output(r)).toBe(0);
    expect(isInstalled()).toBe(false);
    // Purge also removes the conffile (the policy example), so /etc/diadema goes with it.
    for (const p of installedPaths) expect(existsSync(p), p).toBe(false);
    expect(run('dpkg-query', ['-W', pkgName]).status).not.toBe(0);
  }, 300_000);
});
