// Rewrites relative imports that reach into electron/common to the `@common/*` alias (defined in the `paths` of
// tsconfig.base.json), in renderer/, test/, bench/ and electron/{node,main,preload,browser-host}. Only module
// specifiers are touched (import/export declarations, `import()`, `require()`, `import('…')` types, `vi.mock`),
// found with the TypeScript parser, so a path inside a string or a comment stays as it is.
//
//   node build/codemods/common-alias.mjs [--check] [folder...]
//
// `--check` lists what it would rewrite and exits 1 if anything is left, writing nothing.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const common = path.join(root, 'electron', 'common');
const defaultFolders = [
  'renderer',
  'test',
  'bench',
  'electron/node',
  'electron/main',
  'electron/preload',
  'electron/browser-host',
];
const args = process.argv.slice(2);
const check = args.includes('--check');
const folders = args.filter((a) => !a.startsWith('--'));

function sources(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return ['node_modules', 'dist', 'fixtures'].includes(e.name) ? [] : sources(p);
    return /\.(ts|tsx|mts|cts|mjs|js)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** The string-literal module specifiers of a source file. */
export function specifierNodes(file, text) {
  const kind = file.endsWith('.tsx')
    ? ts.ScriptKind.TSX
    : /\.(m|c)?js$/.test(file)
      ? ts.ScriptKind.JS
      : ts.ScriptKind.TS;
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind);
  const out = [];
  const visit = (node) => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    )
      out.push(node.moduleSpecifier);
    else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      out.push(node.argument.literal);
    } else if (ts.isCallExpression(node) && node.arguments.length > 0 && ts.isStringLiteralLike(node.arguments[0])) {
      const callee = node.expression;
      const isImport = callee.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(callee) && callee.text === 'require';
      const isMock =
        ts.isPropertyAccessExpression(callee) &&
        ts.isIdentifier(callee.expression) &&
        callee.expression.text === 'vi' &&
        ['mock', 'doMock', 'importActual', 'importMock'].includes(callee.name.text);
      if (isImport || isRequire || isMock) out.push(node.arguments[0]);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return { sf, nodes: out };
}

/** The alias form of `specifier` written in `file`, or undefined when it does not reach into electron/common. */
export function aliasOf(file, specifier) {
  if (!specifier.startsWith('.')) return undefined;
  const target = path.resolve(path.dirname(file), specifier);
  const rel = path.relative(common, target);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  return `@common/${rel.split(path.sep).join('/')}`;
}

/** The file's text with its electron/common imports rewritten, and how many there were. */
export function rewrite(file, text) {
  if (path.resolve(file).startsWith(common + path.sep)) return { text, count: 0 };
  const { sf, nodes } = specifierNodes(file, text);
  let out = text;
  let count = 0;
  for (const n of [...nodes].sort((a, b) => b.getStart(sf) - a.getStart(sf))) {
    const alias = aliasOf(file, n.text);
    if (!alias) continue;
    const start = n.getStart(sf);
    const quote = text[start];
    out = out.slice(0, start) + quote + alias + quote + out.slice(n.getEnd());
    count++;
  }
  return { text: out, count };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  let files = 0;
  let imports = 0;
  for (const folder of folders.length ? folders : defaultFolders) {
    for (const file of sources(path.resolve(root, folder))) {
      const text = readFileSync(file, 'utf8');
      const r = rewrite(file, text);
      if (!r.count) continue;
      files++;
      imports += r.count;
      if (check) console.log(`${path.relative(root, file)}: ${r.count}`);
      else writeFileSync(file, r.text);
    }
  }
  console.log(`${check ? 'would rewrite' : 'rewrote'} ${imports} import(s) in ${files} file(s)`);
  if (check && imports) process.exit(1);
}
