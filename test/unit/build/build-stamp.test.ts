import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
// @ts-expect-error: plain JavaScript module run by Node directly (build/start-browser.mjs, build/bundle.mjs)
import { bundleOutputs, bundleUpToDate, inputsFingerprint, recordBundle } from '../../../build/build-stamp.mjs';

const upToDate = bundleUpToDate as (root: string) => boolean;
const fingerprint = inputsFingerprint as (root: string) => string;
const record = recordBundle as (root: string, f: string) => void;

let root: string;
const write = (rel: string, text: string) => {
  mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  writeFileSync(path.join(root, rel), text);
};

beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'diadema-build-stamp-'));
  write('electron/node/core.ts', 'export const a = 1;\n');
  write('renderer/src/main.tsx', 'export {};\n');
  write('build/bundle.mjs', '// bundler\n');
  write('package-lock.json', '{}\n');
  write('tsconfig.base.json', '{}\n');
  for (const o of bundleOutputs as string[]) write(o, 'built\n');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('build only when stale', () => {
  it('is up to date after a recorded build, and stale after an edit, a new file or a new lockfile', () => {
    expect(upToDate(root)).toBe(false); // never recorded
    record(root, fingerprint(root));
    expect(upToDate(root)).toBe(true);

    write('electron/node/core.ts', 'export const a = 2;\n');
    expect(upToDate(root)).toBe(false);
    record(root, fingerprint(root));
    write('renderer/src/new-view.tsx', 'export {};\n');
    expect(upToDate(root)).toBe(false);
    record(root, fingerprint(root));
    write('package-lock.json', '{"lockfileVersion":3}\n');
    expect(upToDate(root)).toBe(false);
  });

  it('sees an edit that keeps the size (by its time) and ignores dependencies and earlier output', () => {
    record(root, fingerprint(root));
    write('electron/node/node_modules/x/index.js', 'ignored\n');
    write('renderer/dist/old.js', 'ignored\n');
    expect(upToDate(root)).toBe(true);
    const file = path.join(root, 'electron/node/core.ts');
    writeFileSync(file, 'export const b = 1;\n'); // same length
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    expect(upToDate(root)).toBe(false);
  });

  it('is stale when an output is missing, whatever was recorded', () => {
    record(root, fingerprint(root));
    rmSync(path.join(root, 'dist/renderer/index.html'));
    expect(upToDate(root)).toBe(false);
  });
});
