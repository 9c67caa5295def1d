import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkFile, findImports } from './import-rules';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'dist' ? [] : sources(p);
    return /\.(ts|tsx|mts|mjs|js)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

describe('import boundaries', () => {
  it('the tree follows the rules of ARCHITECTURE.md', () => {
    // test/architecture holds example sources in strings; it is checked by the cases below instead.
    const files = ['electron', 'renderer/src', 'test', 'bench'].flatMap((d) => sources(path.join(root, d)))
      .filter((f) => !f.startsWith(path.join(root, 'test', 'architecture')));
    expect(files.length).toBeGreaterThan(20);
    const violations = files.flatMap((f) => checkFile(root, f, readFileSync(f, 'utf8')));
    expect(violations).toEqual([]);
  });

  const at = (rel: string, src: string) => checkFile(root, path.join(root, rel), src);
  it('flags common reaching for Node, the DOM world or electron', () => {
    expect(at('electron/common/x.ts', "import fs from 'node:fs';")).toHaveLength(1);
    expect(at('electron/common/x.ts', "import { x } from '../node/core/core';")).toHaveLength(1);
    expect(at('electron/common/x.ts', "import React from 'react';")).toHaveLength(1);
    expect(at('electron/common/x.ts', "import { app } from 'electron';")).toHaveLength(1);
    expect(at('electron/common/x.ts', "import { z } from 'zod';")).toEqual([]);
  });
  it('flags electron imported at runtime outside the shell, but allows type-only imports', () => {
    expect(at('electron/node/x.ts', "import { app } from 'electron';")).toHaveLength(1);
    expect(at('renderer/src/x.ts', "const e = require('electron');")).toHaveLength(1);
    expect(at('test/unit/x.test.ts', "const e = await import('electron');")).toHaveLength(1);
    expect(at('electron/node/x.ts', "import type { App } from 'electron';")).toEqual([]);
    expect(at('electron/main/x.ts', "import { app } from 'electron';")).toEqual([]);
  });
  it('flags the renderer importing the core or Node', () => {
    expect(at('renderer/src/ui/x.tsx', "import { createCore } from '../../../electron/node/core/core';")).toHaveLength(1);
    expect(at('renderer/src/ui/x.tsx', "import os from 'os';")).toHaveLength(1);
    expect(at('renderer/src/ui/x.tsx', "import { calls } from '../../../electron/common/contract/contract';")).toEqual([]);
  });
  it('reads every import form', () => {
    const refs = findImports(`import a from 'a'; import type { B } from 'b'; export { c } from 'c'; export * from 'd';
      import 'e'; const f = await import('f'); const g = require('g'); // import h from 'h'
      /* import i from 'i' */`);
    expect(refs.map((r) => `${r.specifier}${r.typeOnly ? ':type' : ''}`)).toEqual(['a', 'b:type', 'c', 'd', 'e', 'f', 'g']);
  });
});
