import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkFile, findImports, folderRules } from './import-rules';

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
    const files = ['electron', 'renderer/src', 'test', 'bench']
      .flatMap((d) => sources(path.join(root, d)))
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
    expect(at('renderer/src/ui/x.tsx', "import { createCore } from '../../../electron/node/core/core';")).toHaveLength(
      1,
    );
    expect(at('renderer/src/ui/x.tsx', "import os from 'os';")).toHaveLength(1);
    expect(at('renderer/src/ui/x.tsx', "import { calls } from '../../../electron/common/contract/contract';")).toEqual(
      [],
    );
  });
  it('reads every import form', () => {
    const refs = findImports(`import a from 'a'; import type { B } from 'b'; export { c } from 'c'; export * from 'd';
      import 'e'; const f = await import('f'); const g = require('g'); // import h from 'h'
      /* import i from 'i' */`);
    expect(refs.map((r) => `${r.specifier}${r.typeOnly ? ':type' : ''}`)).toEqual([
      'a',
      'b:type',
      'c',
      'd',
      'e',
      'f',
      'g',
    ]);
  });
  it('reads imports with the TypeScript parser: strings and comments are not imports', () => {
    const refs = findImports(`const s = "import x from 'x'"; const t = \`require('t')\`; // const u = require('u')
      import { type A, type B } from 'ab'; import { type C, d } from 'cd'; export type { E } from 'e';
      export { type F } from 'f'; type G = typeof import('g'); import h = require('h'); export * as i from 'i';`);
    expect(refs.map((r) => `${r.specifier}${r.typeOnly ? ':type' : ''}`)).toEqual([
      'ab:type',
      'cd',
      'e:type',
      'f:type',
      'g:type',
      'h',
      'i',
    ]);
    expect(at('electron/common/x.ts', 'const help = "import fs from \'node:fs\'";')).toEqual([]);
    expect(findImports("const C = () => <div>import x from 'y'</div>;", 'x.tsx')).toEqual([]);
  });
  it('resolves the @common alias like a path into electron/common, never as a package', () => {
    expect(at('renderer/src/ui/x.tsx', "import { calls } from '@common/contract/contract';")).toEqual([]);
    expect(at('electron/node/hid/x.ts', "import { decode } from '@common/hid/report-codec';")).toEqual([]);
    expect(at('electron/common/x.ts', "import { z } from '@common/contract/wire';")).toEqual([]);
    expect(at('electron/common/x.ts', "import { x } from '@common/../node/core/core';")).toHaveLength(1);
  });
  it('flags a folder importing past its README\'s "May import" (node/ and renderer/src/)', () => {
    // renderer/src/ui/README.md: not ../bridge/ directly; ../media/device-choice only.
    expect(at('renderer/src/ui/X.tsx', "import { createBridge } from '../bridge/create-bridge';")).toHaveLength(1);
    expect(at('renderer/src/ui/X.tsx', "import type { Bridge } from '../bridge/create-bridge';")).toHaveLength(1);
    expect(at('renderer/src/ui/X.tsx', "import { MediaHost } from '../media/media-host';")).toHaveLength(1);
    expect(at('renderer/src/ui/X.tsx', "import { pickDevice } from '../media/device-choice';")).toEqual([]);
    expect(at('renderer/src/ui/X.tsx', "import type { AppStore } from '../state/app-store';")).toEqual([]);
    // renderer/src/state/README.md: not ../ui/ or ../media/; the bridge and zustand are fine.
    expect(at('renderer/src/state/x.ts', "import { App } from '../ui/App';")).toHaveLength(1);
    expect(at('renderer/src/state/x.ts', "import { Ringer } from '../media/ringer';")).toHaveLength(1);
    expect(
      at(
        'renderer/src/state/x.ts',
        "import type { Bridge } from '../bridge/create-bridge'; import { create } from 'zustand';",
      ),
    ).toEqual([]);
    // renderer/src/media/README.md: electron/common and its own folder only, plus sip.js.
    expect(at('renderer/src/media/x.ts', "import { App } from '../ui/App';")).toHaveLength(1);
    expect(at('renderer/src/media/x.ts', "import { create } from 'zustand';")).toHaveLength(1);
    expect(at('renderer/src/media/x.ts', "import { Web } from 'sip.js'; import { vad } from './vad';")).toEqual([]);
    // renderer/src/bridge/README.md: electron/common and nothing else.
    expect(at('renderer/src/bridge/x.ts', "import { create } from 'zustand';")).toHaveLength(1);
    expect(
      at('renderer/src/bridge/x.ts', "import { parseEvent } from '../../../electron/common/contract/wire';"),
    ).toEqual([]);
    // electron/node/store/README.md: never the phone, not even its types.
    expect(at('electron/node/store/x.ts', "import type { CallManager } from '../phone/call-manager';")).toHaveLength(1);
    expect(at('electron/node/store/x.ts', "import Database from 'better-sqlite3'; import fs from 'node:fs';")).toEqual(
      [],
    );
    // electron/node/agent/README.md: the phone's types, the logger, electron/common; no Node built-ins.
    expect(at('electron/node/agent/x.ts', "import type { CallManager } from '../phone/call-manager';")).toEqual([]);
    expect(at('electron/node/agent/x.ts', "import { CallManager } from '../phone/call-manager';")).toHaveLength(1);
    expect(at('electron/node/agent/x.ts', "import fs from 'node:fs';")).toHaveLength(1);
    expect(at('electron/node/agent/x.ts', "import type { Logger } from '../log';")).toEqual([]);
    // electron/node/notes/README.md: ../store, ../log, the phone's types; not the hid or mute code.
    expect(at('electron/node/notes/x.ts', "import { StoreClient } from '../store/store-client';")).toEqual([]);
    expect(
      at('electron/node/notes/x.ts', "import { HeadsetController } from '../hid/headset-controller';"),
    ).toHaveLength(1);
    // electron/node/hid/README.md: node-hid only through the injected HidLibrary, made by the one loader.
    expect(at('electron/node/hid/x.ts', "const hid = await import('node-hid');")).toHaveLength(1);
    expect(at('electron/node/hid/node-hid-loader.ts', "const hid = await import('node-hid');")).toEqual([]);
    // electron/node/core/README.md: everything under electron/node, plus sip.js; still never the renderer.
    expect(at('electron/node/core/x.ts', "import { NotesService } from '../notes/notes-service';")).toEqual([]);
    expect(at('electron/node/core/x.ts', "import { x } from '../../../renderer/src/state/app-store';")).toHaveLength(1);
  });
  it('takes every folder rule from a README that states it', () => {
    for (const r of folderRules) {
      expect(existsSync(path.join(root, r.readme)), r.readme).toBe(true);
      expect(readFileSync(path.join(root, r.readme), 'utf8'), r.readme).toMatch(/May import|Imports/);
    }
  });
});
