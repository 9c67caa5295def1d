import { builtinModules } from 'node:module';
import path from 'node:path';

/**
 * The import rules of ARCHITECTURE.md, as data. A file's folder decides its runtime and so what it may import:
 *   electron/common     pure: zod only, nothing from node:, the DOM world, electron or other folders
 *   electron/node       + Node built-ins and native packages; never electron at runtime, never the renderer or shells
 *   electron/browser-host  the Node shell: like node, plus the core
 *   electron/main, electron/preload  the Electron shell: the only runtime importers of electron
 *   renderer/src        the renderer: its own code, electron/common and browser-side packages
 *   test, bench, build  anything except electron at runtime
 */
export interface Violation { file: string; specifier: string; rule: string }

const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
const isBuiltin = (s: string) => s.startsWith('node:') || builtins.has(s.split('/')[0]!);
const pkgName = (s: string) => (s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]!);

const commonPackages = new Set(['zod']);
const nodePackages = new Set(['zod', 'sip.js', 'ws', 'better-sqlite3', 'node-hid']);
const rendererPackages = new Set(['zod', 'react', 'react-dom', 'zustand', 'i18next', 'react-i18next', 'sip.js']);

type Area = 'common' | 'node' | 'browser-host' | 'main' | 'preload' | 'renderer' | 'other';
export function areaOf(rel: string): Area {
  const p = rel.split(path.sep).join('/');
  if (p.startsWith('electron/common/')) return 'common';
  if (p.startsWith('electron/node/')) return 'node';
  if (p.startsWith('electron/browser-host/')) return 'browser-host';
  if (p.startsWith('electron/main/')) return 'main';
  if (p.startsWith('electron/preload/')) return 'preload';
  if (p.startsWith('renderer/')) return 'renderer';
  return 'other';
}

const allowedAreas: Record<Area, ReadonlySet<Area> | 'any'> = {
  common: new Set(['common']),
  node: new Set(['common', 'node']),
  'browser-host': new Set(['common', 'node', 'browser-host']),
  main: new Set(['common', 'node', 'main']),
  preload: new Set(['common', 'preload']),
  renderer: new Set(['common', 'renderer']),
  other: 'any',
};

export interface ImportRef { specifier: string; typeOnly: boolean }

/** Static and dynamic imports, re-exports and requires, with `import type` / `export type` told apart. */
export function findImports(source: string): ImportRef[] {
  const refs: ImportRef[] = [];
  const stripped = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  const re = /\b(import|export)\s+(type\s+)?(?:[\w*{}\s,$]*?\s+from\s+)?['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)|\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const m of stripped.matchAll(re)) {
    const specifier = m[3] ?? m[4] ?? m[5];
    if (specifier) refs.push({ specifier, typeOnly: Boolean(m[2]) });
  }
  return refs;
}

export function checkFile(root: string, file: string, source: string): Violation[] {
  const rel = path.relative(root, file);
  const area = areaOf(rel);
  const out: Violation[] = [];
  for (const { specifier, typeOnly } of findImports(source)) {
    const v = (rule: string) => out.push({ file: rel, specifier, rule });
    if (specifier.startsWith('.')) {
      if (typeOnly) continue;
      const target = areaOf(path.relative(root, path.resolve(path.dirname(file), specifier)));
      const allowed = allowedAreas[area];
      if (allowed !== 'any' && !allowed.has(target)) v(`${area} may not import from ${target}`);
      continue;
    }
    if (pkgName(specifier) === 'electron') {
      if (!typeOnly && area !== 'main' && area !== 'preload') v('only electron/main and electron/preload may import electron at runtime');
      continue;
    }
    if (typeOnly) continue;
    if (isBuiltin(specifier)) {
      if (area === 'common' || area === 'renderer' || area === 'preload') v(`${area} may not import Node built-ins`);
      continue;
    }
    const pkg = pkgName(specifier);
    if (area === 'common' && !commonPackages.has(pkg)) v(`common may only import ${[...commonPackages].join(', ')}`);
    if ((area === 'node' || area === 'browser-host') && !nodePackages.has(pkg)) v(`${area} may not import ${pkg}`);
    if (area === 'renderer' && !rendererPackages.has(pkg)) v(`renderer may not import ${pkg}`);
  }
  return out;
}
