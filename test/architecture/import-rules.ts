import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import ts from 'typescript';

/**
 * The import rules of ARCHITECTURE.md and the folder READMEs, as data. A file's folder decides its runtime and so
 * what it may import (electron/README.md):
 *   electron/common     pure: zod only, nothing from node:, the DOM world, electron or other folders
 *   electron/node       + Node built-ins and native packages; never electron at runtime, never the renderer or shells
 *   electron/browser-host  the Node shell: like node, plus the core
 *   electron/main, electron/preload  the Electron shell: the only runtime importers of electron
 *   renderer/src        the renderer: its own code, electron/common and browser-side packages
 *   test, bench, build  anything except electron at runtime
 * and, inside node/ and renderer/src/, the "May import" line of each folder's README (`folderRules`).
 */
export interface Violation {
  file: string;
  specifier: string;
  rule: string;
}

const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
const isBuiltin = (s: string) => s.startsWith('node:') || builtins.has(s.split('/')[0]!);
const pkgName = (s: string) => (s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]!);

const commonPackages = new Set(['zod']);
const nodePackages = new Set(['zod', 'sip.js', 'ws', 'better-sqlite3', 'node-hid', 'jose']);
const rendererPackages = new Set([
  'zod',
  'react',
  'react-dom',
  'zustand',
  'i18next',
  'react-i18next',
  'sip.js',
  'lucide-react',
]);

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

/**
 * A folder's own "May import" rule, from its README. `may`: folders or files (repository paths) its files may
 * import, type-only imports included; `mayTypes`: what it may import for types only; `packages`: the npm
 * packages it may import at runtime (absent: the area's list); `builtins: false`: no Node built-ins; `except`:
 * files of the folder the package rule does not apply to, with why. The folder itself is always allowed.
 */
export interface FolderRule {
  folder: string;
  readme: string;
  may: readonly string[];
  mayTypes?: readonly string[];
  packages?: readonly string[];
  builtins?: boolean;
  except?: Readonly<Record<string, string>>;
}

const common = 'electron/common';
export const folderRules: readonly FolderRule[] = [
  // "electron/common, electron/node/phone types and its Clock, the logger. Never electron."
  {
    folder: 'electron/node/agent',
    readme: 'electron/node/agent/README.md',
    may: [common, 'electron/node/log.ts'],
    mayTypes: ['electron/node/phone'],
    packages: [],
    builtins: false,
  },
  // "electron/common, Node built-ins; node-hid only through the injected HidLibrary."
  {
    folder: 'electron/node/hid',
    readme: 'electron/node/hid/README.md',
    may: [common],
    mayTypes: ['electron/node/log.ts'],
    packages: [],
    except: { 'electron/node/hid/node-hid-loader.ts': 'the one loader that makes the HidLibrary for the shells' },
  },
  // "Node built-ins, electron/common, ../store, ../phone (types and the clock), ../log. Never electron."
  {
    folder: 'electron/node/notes',
    readme: 'electron/node/notes/README.md',
    may: [common, 'electron/node/store', 'electron/node/log.ts'],
    mayTypes: ['electron/node/phone'],
    packages: [],
  },
  // "Node built-ins, better-sqlite3, electron/common. Never electron, never the phone or UI code."
  {
    folder: 'electron/node/store',
    readme: 'electron/node/store/README.md',
    may: [common],
    packages: ['better-sqlite3'],
  },
  // "Everything under electron/node/ and electron/common/, Node built-ins, and sip.js."
  {
    folder: 'electron/node/core',
    readme: 'electron/node/core/README.md',
    may: [common, 'electron/node'],
    packages: ['sip.js'],
  },
  // "electron/common (the contract, its errors, the wire format, the emitter) and nothing else."
  { folder: 'renderer/src/bridge', readme: 'renderer/src/bridge/README.md', may: [common], packages: [] },
  // "../bridge/ (types and the Bridge it is given), electron/common/**, zustand. Not ../ui/ or ../media/."
  {
    folder: 'renderer/src/state',
    readme: 'renderer/src/state/README.md',
    may: [common, 'renderer/src/bridge'],
    packages: ['zustand'],
  },
  // "../state/, ../media/device-choice, electron/common/**, react, react-i18next, zustand, lucide-react. Not ../bridge/."
  {
    folder: 'renderer/src/ui',
    readme: 'renderer/src/ui/README.md',
    may: [common, 'renderer/src/state', 'renderer/src/media/device-choice.ts'],
    packages: ['react', 'react-i18next', 'zustand', 'lucide-react'],
  },
  // "Imports electron/common and its own folder only (plus sip.js)."
  { folder: 'renderer/src/media', readme: 'renderer/src/media/README.md', may: [common], packages: ['sip.js'] },
];

const within = (rel: string, folderOrFile: string) =>
  rel === folderOrFile ||
  rel.startsWith(`${folderOrFile}/`) ||
  rel.replace(/\.(ts|tsx|mts|mjs|js)$/, '') === folderOrFile.replace(/\.(ts|tsx)$/, '');

export interface ImportRef {
  specifier: string;
  typeOnly: boolean;
}

const scriptKind = (file: string) =>
  file.endsWith('.tsx') ? ts.ScriptKind.TSX : /\.(m|c)?js$/.test(file) ? ts.ScriptKind.JS : ts.ScriptKind.TS;

/**
 * Static and dynamic imports, re-exports, `import x = require()`, `require()` and `import('…')` types, read with
 * the TypeScript parser (so a string or comment that looks like an import is not one). `typeOnly`: erased from
 * the JavaScript (`import type`, `export type`, every named binding marked `type`, or an `import('…')` type).
 */
export function findImports(source: string, file = 'x.ts'): ImportRef[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, scriptKind(file));
  const refs: ImportRef[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const c = node.importClause;
      const named = c?.namedBindings && ts.isNamedImports(c.namedBindings) ? c.namedBindings.elements : undefined;
      const allInlineTypes = Boolean(c && !c.name && named && named.length > 0 && named.every((e) => e.isTypeOnly));
      refs.push({ specifier: node.moduleSpecifier.text, typeOnly: Boolean(c?.isTypeOnly) || allInlineTypes });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const named = node.exportClause && ts.isNamedExports(node.exportClause) ? node.exportClause.elements : undefined;
      const allInlineTypes = Boolean(named && named.length > 0 && named.every((e) => e.isTypeOnly));
      refs.push({ specifier: node.moduleSpecifier.text, typeOnly: node.isTypeOnly || allInlineTypes });
    } else if (
      ts.isImportEqualsDeclaration(node) &&
      ts.isExternalModuleReference(node.moduleReference) &&
      ts.isStringLiteral(node.moduleReference.expression)
    ) {
      refs.push({ specifier: node.moduleReference.expression.text, typeOnly: node.isTypeOnly });
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      refs.push({ specifier: node.argument.literal.text, typeOnly: true });
    } else if (ts.isCallExpression(node) && node.arguments.length > 0 && ts.isStringLiteralLike(node.arguments[0]!)) {
      const callee = node.expression;
      if (callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require')) {
        refs.push({ specifier: (node.arguments[0] as ts.StringLiteralLike).text, typeOnly: false });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return refs;
}

/** The `paths` aliases of tsconfig.base.json (`@common/*` → `electron/common/*`), as prefix → repository folder. */
const aliasCache = new Map<string, Array<[string, string]>>();
export function aliases(root: string): Array<[string, string]> {
  let a = aliasCache.get(root);
  if (!a) {
    const base = JSON.parse(readFileSync(path.join(root, 'tsconfig.base.json'), 'utf8')) as {
      compilerOptions: { paths?: Record<string, string[]> };
    };
    a = Object.entries(base.compilerOptions.paths ?? {}).map(([from, [to]]) => [
      from.replace(/\*$/, ''),
      path.join(root, to!.replace(/\*$/, '')),
    ]);
    aliasCache.set(root, a);
  }
  return a;
}

/** The absolute path a specifier names inside the repository (relative or aliased), or undefined for a package. */
export function resolveInRepo(root: string, file: string, specifier: string): string | undefined {
  if (specifier.startsWith('.')) return path.resolve(path.dirname(file), specifier);
  for (const [prefix, dir] of aliases(root))
    if (specifier.startsWith(prefix)) return path.join(dir, specifier.slice(prefix.length));
  return undefined;
}

export function checkFile(root: string, file: string, source: string): Violation[] {
  const rel = path.relative(root, file).split(path.sep).join('/');
  const area = areaOf(rel);
  const own = folderRules.find((r) => within(rel, r.folder));
  const out: Violation[] = [];
  for (const { specifier, typeOnly } of findImports(source, file)) {
    const rule = ruleBroken(root, file, rel, area, own, specifier, typeOnly);
    if (rule) out.push({ file: rel, specifier, rule });
  }
  return out;
}

/** The first rule an import breaks (the runtime area's, then the folder's own), or undefined. */
function ruleBroken(
  root: string,
  file: string,
  rel: string,
  area: Area,
  own: FolderRule | undefined,
  specifier: string,
  typeOnly: boolean,
): string | undefined {
  const target = resolveInRepo(root, file, specifier);
  if (target !== undefined) {
    const targetRel = path.relative(root, target).split(path.sep).join('/');
    const allowed = allowedAreas[area];
    const targetArea = areaOf(targetRel);
    if (!typeOnly && allowed !== 'any' && !allowed.has(targetArea)) return `${area} may not import from ${targetArea}`;
    if (own && !within(targetRel, own.folder)) {
      const ok = [...own.may, ...(typeOnly ? (own.mayTypes ?? []) : [])].some((m) => within(targetRel, m));
      if (!ok) return `${own.folder} may not import ${targetRel}${typeOnly ? ' (even for types)' : ''} (${own.readme})`;
    }
    return undefined;
  }
  if (pkgName(specifier) === 'electron') {
    if (!typeOnly && area !== 'main' && area !== 'preload')
      return 'only electron/main and electron/preload may import electron at runtime';
    return undefined;
  }
  if (typeOnly) return undefined;
  if (isBuiltin(specifier)) {
    if (area === 'common' || area === 'renderer' || area === 'preload') return `${area} may not import Node built-ins`;
    if (own?.builtins === false) return `${own.folder} may not import Node built-ins (${own.readme})`;
    return undefined;
  }
  const pkg = pkgName(specifier);
  if (area === 'common' && !commonPackages.has(pkg)) return `common may only import ${[...commonPackages].join(', ')}`;
  if ((area === 'node' || area === 'browser-host') && !nodePackages.has(pkg)) return `${area} may not import ${pkg}`;
  if (area === 'renderer' && !rendererPackages.has(pkg)) return `renderer may not import ${pkg}`;
  if (own?.packages && !own.packages.includes(pkg) && !(own.except && rel in own.except)) {
    return `${own.folder} may not import ${pkg} (${own.readme})`;
  }
  return undefined;
}
