import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  defaultStoreWorkerUrl,
  storeWorkerCandidates,
  unpackedFirst,
} from '../../../../electron/node/store/store-client';
import { bundleEntries } from '../../../support/store-build';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

describe('store worker lookup in a packaged app', () => {
  it('tries the unpacked copy beside app.asar first, on both path styles, and leaves other paths alone', () => {
    expect(
      unpackedFirst(['/opt/Diadema/resources/app.asar/dist/node/store-worker.mjs', '/work/dist/node/store-worker.mjs']),
    ).toEqual([
      '/opt/Diadema/resources/app.asar.unpacked/dist/node/store-worker.mjs',
      '/opt/Diadema/resources/app.asar/dist/node/store-worker.mjs',
      '/work/dist/node/store-worker.mjs',
    ]);
    expect(unpackedFirst(['C:\\Program Files\\Diadema\\resources\\app.asar\\dist\\node\\store-worker.mjs'])[0]).toBe(
      'C:\\Program Files\\Diadema\\resources\\app.asar.unpacked\\dist\\node\\store-worker.mjs',
    );
    expect(unpackedFirst(['/home/a/app.asarx/store-worker.mjs'])).toEqual(['/home/a/app.asarx/store-worker.mjs']);
  });

  it('looks only beside the running code: the Electron bundle finds the unpacked worker, then the archived one', () => {
    expect(storeWorkerCandidates('/opt/Diadema/resources/app.asar/dist/electron')).toEqual([
      '/opt/Diadema/resources/app.asar.unpacked/dist/electron/store-worker.mjs',
      '/opt/Diadema/resources/app.asar/dist/electron/store-worker.mjs',
      '/opt/Diadema/resources/app.asar.unpacked/dist/node/store-worker.mjs',
      '/opt/Diadema/resources/app.asar/dist/node/store-worker.mjs',
    ]);
    expect(storeWorkerCandidates('/usr/lib/diadema/dist/node')).toEqual([
      '/usr/lib/diadema/dist/node/store-worker.mjs',
    ]);
    // Only the source file itself reaches up to its checkout's dist/node.
    expect(storeWorkerCandidates('/srv/app/electron/node/store')).toContain('/srv/app/dist/node/store-worker.mjs');
    expect(storeWorkerCandidates('/srv/app/dist/node').some((c) => !c.startsWith('/srv/app/dist/'))).toBe(false);
  });
});

describe('a store-worker.mjs planted by someone else is never chosen', () => {
  const dirs: string[] = [];
  const planted = () => {
    const d = mkdtempSync(path.join(os.tmpdir(), 'diadema-planted-'));
    dirs.push(d);
    mkdirSync(path.join(d, 'dist', 'node'), { recursive: true });
    mkdirSync(path.join(d, 'node'), { recursive: true });
    for (const f of ['store-worker.mjs', 'dist/node/store-worker.mjs', 'node/store-worker.mjs'])
      writeFileSync(path.join(d, f), 'process.exit(66);\n');
    return d;
  };
  afterEach(() => {
    vi.restoreAllMocks();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('in the working directory or beside the first command-line argument (from source: the built dist/node)', () => {
    const cwd = planted();
    const argvDir = planted();
    vi.spyOn(process, 'cwd').mockReturnValue(cwd);
    const argv1 = process.argv[1];
    process.argv[1] = path.join(argvDir, 'app.mjs');
    try {
      const found = fileURLToPath(defaultStoreWorkerUrl());
      expect(found).toBe(path.join(root, 'dist', 'node', 'store-worker.mjs'));
    } finally {
      process.argv[1] = argv1!;
    }
  });

  it('from an ESM bundle run by node with a planted working directory: the worker beside the bundle', async () => {
    const cwd = planted();
    mkdirSync(path.join(root, '.tmp'), { recursive: true });
    const probeDir = mkdtempSync(path.join(root, '.tmp', 'worker-probe-'));
    dirs.push(probeDir);
    writeFileSync(
      path.join(probeDir, 'probe.ts'),
      `import { defaultStoreWorkerUrl } from '../../electron/node/store/store-client';\n` +
        `process.stdout.write(defaultStoreWorkerUrl().href);\n`,
    );
    const built = await bundleEntries({ probe: path.relative(root, path.join(probeDir, 'probe.ts')) });
    try {
      const beside = path.join(built.dir, 'store-worker.mjs');
      writeFileSync(beside, '');
      const out = execFileSync(process.execPath, [fileURLToPath(built.urls.probe), path.join(cwd, 'x.mjs')], {
        cwd,
        encoding: 'utf8',
      });
      expect(fileURLToPath(out)).toBe(beside);
    } finally {
      built.dispose();
    }
  });
});
