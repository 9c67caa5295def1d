import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// The preflight is plain JavaScript (it runs before `npm ci`, with nothing but node): its shape is declared here.
interface SystemPackage {
  name: string;
  command?: string;
  file?: string[];
  env?: string;
}
type Decision = { action: 'ok' } | { action: 'install'; packages: string[] } | { action: 'stop'; line: string };
interface Preflight {
  decide(input: { missing: string[]; uid: number | undefined; hasAptGet: boolean }): Decision;
  findCommand(command: string, pathVar?: string): boolean;
  isPresent(pkg: SystemPackage, env?: NodeJS.ProcessEnv): boolean;
}
interface SystemPackages {
  systemPackages: Record<'browser-host' | 'tests', SystemPackage[]>;
  servicesToStop: string[];
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const load = <T>(file: string) => import(pathToFileURL(path.join(root, file)).href) as Promise<T>;
const { decide, findCommand, isPresent } = await load<Preflight>('build/preflight.mjs');
const { servicesToStop, systemPackages } = await load<SystemPackages>('build/system-packages.mjs');
const scratch = mkdtempSync(path.join(os.tmpdir(), 'diadema-preflight-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('preflight: what to do about missing Debian packages', () => {
  it('does nothing when everything is there, whoever runs it', () => {
    expect(decide({ missing: [], uid: 1000, hasAptGet: true })).toEqual({ action: 'ok' });
    expect(decide({ missing: [], uid: 0, hasAptGet: false })).toEqual({ action: 'ok' });
  });

  it('installs what is missing as root with apt-get', () => {
    expect(decide({ missing: ['sox', 'sip-tester'], uid: 0, hasAptGet: true })).toEqual({
      action: 'install',
      packages: ['sox', 'sip-tester'],
    });
  });

  it('stops a normal user with the exact line to run', () => {
    expect(decide({ missing: ['chromium', 'fonts-liberation'], uid: 1000, hasAptGet: true })).toEqual({
      action: 'stop',
      line:
        'Diadema needs these Debian packages: chromium, fonts-liberation' +
        ' — run: sudo apt-get install -y --no-install-recommends chromium fonts-liberation',
    });
    // Windows has no uid: not root.
    expect(decide({ missing: ['sox'], uid: undefined, hasAptGet: true })).toMatchObject({ action: 'stop' });
  });

  it('names the packages where there is no apt-get, even as root', () => {
    expect(decide({ missing: ['kamailio'], uid: 0, hasAptGet: false })).toEqual({
      action: 'stop',
      line:
        'Diadema needs these Debian packages: kamailio' +
        ' — this system has no apt-get: install the equivalents, or set DIADEMA_SKIP_PREFLIGHT=1 if they are there',
    });
  });
});

describe('preflight: what proves a package is there', () => {
  const bin = path.join(scratch, 'bin');
  mkdirSync(bin);
  writeFileSync(path.join(bin, 'fake-tool'), '#!/bin/sh\n');
  chmodSync(path.join(bin, 'fake-tool'), 0o755);
  writeFileSync(path.join(bin, 'not-executable'), '');

  it('finds an executable command on PATH, not a plain file', () => {
    expect(findCommand('fake-tool', bin)).toBe(true);
    expect(findCommand('not-executable', bin)).toBe(false);
    expect(findCommand('fake-tool', '/nonexistent')).toBe(false);
  });

  it('reads a file proof, and the environment variable that names another file', () => {
    const chromium = systemPackages['browser-host'].find((p) => p.name === 'chromium')!;
    expect(isPresent(chromium, { DIADEMA_CHROMIUM: path.join(bin, 'fake-tool') })).toBe(true);
    expect(isPresent(chromium, { DIADEMA_CHROMIUM: path.join(bin, 'nothing') })).toBe(false);
    expect(isPresent({ name: 'x', file: ['/nonexistent', path.join(bin, 'not-executable')] }, {})).toBe(true);
  });

  it('gives every package one proof, and the tests everything the browser host needs', () => {
    for (const pkgs of Object.values(systemPackages)) {
      for (const p of pkgs) expect([p.command, p.file].filter(Boolean), p.name).toHaveLength(1);
    }
    const tests = systemPackages.tests.map((p) => p.name);
    for (const p of systemPackages['browser-host']) expect(tests).toContain(p.name);
    expect(new Set(tests).size).toBe(tests.length);
    expect(servicesToStop.every((s) => tests.includes(s))).toBe(true);
  });

  it('is the list .ci/run installs from, which has no apt-get line of its own', () => {
    const ci = readFileSync(path.join(root, '.ci', 'run'), 'utf8');
    expect(ci).toContain('node build/preflight.mjs tests');
    expect(ci).not.toMatch(/apt-get install/);
    // It still stops the services an install may have started, and the same ones.
    expect(ci).toContain(`for svc in ${servicesToStop.join(' ')}; do`);
  });
});

describe('preflight: the command', () => {
  // A PATH with node alone: the tools on /usr/bin are missing, those in sbin folders (kamailio, ip) are found.
  const nodeOnly = path.join(scratch, 'node-only');
  mkdirSync(nodeOnly);
  symlinkSync(process.execPath, path.join(nodeOnly, 'node'));
  const preflight = (purpose: string, env: NodeJS.ProcessEnv) =>
    spawnSync(process.execPath, [path.join(root, 'build', 'preflight.mjs'), purpose], { env, encoding: 'utf8' });

  it('refuses an unknown purpose with its usage', () => {
    const r = preflight('everything', { PATH: nodeOnly });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('usage: node build/preflight.mjs <browser-host|tests>\n');
  });

  it('skips everything with DIADEMA_SKIP_PREFLIGHT=1', () => {
    const r = preflight('tests', { PATH: nodeOnly, DIADEMA_SKIP_PREFLIGHT: '1' });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
  });

  it('without apt-get on PATH names what is missing in one line and exits 1 (never installs)', () => {
    const r = preflight('tests', { PATH: nodeOnly, DIADEMA_CHROMIUM: path.join(nodeOnly, 'node') });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^Diadema needs these Debian packages: .*sox.* — this system has no apt-get/);
    expect(r.stderr).not.toMatch(/chromium|\n\s+at /);
  });
});

describe('npm start without the Electron binary', () => {
  const startElectron = path.join(root, 'build', 'start-electron.mjs');

  it('finds the binary where the electron package would run it (its own override included)', async () => {
    const { electronBinary } = await load<{ electronBinary(env: NodeJS.ProcessEnv): string | undefined }>(
      'build/start-electron.mjs',
    );
    const dist = path.join(scratch, 'electron-dist');
    mkdirSync(dist);
    expect(electronBinary({ ELECTRON_OVERRIDE_DIST_PATH: dist })).toBeUndefined();
    const pathTxt = path.join(root, 'node_modules', 'electron', 'path.txt');
    const executable = existsSync(pathTxt) ? readFileSync(pathTxt, 'utf8') : 'electron';
    writeFileSync(path.join(dist, executable), '');
    expect(electronBinary({ ELECTRON_OVERRIDE_DIST_PATH: dist })).toBe(path.join(dist, executable));
  });

  it('says so in one line and points to the browser host', () => {
    const r = spawnSync(process.execPath, [startElectron], {
      env: { PATH: process.env.PATH, ELECTRON_OVERRIDE_DIST_PATH: path.join(scratch, 'no-electron') },
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'Electron is not installed on this machine; run the browser host instead: npm run start:browser\n',
    );
  });
});
