// `npm ci` / `npm install` run this (postinstall). SIP.js 0.21's generated SIP grammar (peggy, size-optimised)
// decodes its whole bytecode table, ~1 000 rules, inside `peg$parse`: on every parse of every header of every SIP
// message. The table is pure data, the same each time, so it is decoded once and kept. Measured on this machine, one
// INVITE parsed with its From, To and Contact: median 1.7–2.0 ms before, 0.48–0.58 ms after. The parse itself is
// unchanged (test/unit/build/patch-sip-grammar.test.ts). A SIP.js whose grammar has another shape is left alone,
// said once: it parses correctly, only more slowly.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const start = '    const peg$bytecode = [\n';
const end = '\n    ];\n';
const cache = 'peg$bytecodeCache';

/** The grammar source with its bytecode table decoded once per process; `undefined` when its shape is unknown. */
export function hoistBytecode(source) {
  if (source.includes(cache)) return source;
  const i = source.indexOf(start);
  if (i < 0 || source.indexOf(start, i + 1) >= 0) return undefined;
  const j = source.indexOf(end, i);
  if (j < 0) return undefined;
  const table = source.slice(i + start.length, j);
  // Only `peg$decode("...")` entries: anything else in the table could depend on the parse's own state.
  if (!/^(\s*peg\$decode\("(?:[^"\\]|\\.)*"\),?\n?)+\s*$/.test(`${table}\n`)) return undefined;
  return (
    `let ${cache};\n` +
    source.slice(0, i) +
    `    const peg$bytecode = ${cache} || (${cache} = [\n${table}\n    ]);\n` +
    source.slice(j + end.length)
  );
}

export const grammarPath = (root) =>
  path.join(root, 'node_modules', 'sip.js', 'lib', 'grammar', 'pegjs', 'dist', 'grammar.js');

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const file = grammarPath(root);
  let source;
  try {
    source = readFileSync(file, 'utf8');
  } catch {
    console.log('patch-sip-grammar: sip.js is not installed; nothing to do');
    process.exit(0);
  }
  const patched = hoistBytecode(source);
  if (patched === undefined) {
    console.log('patch-sip-grammar: this SIP.js grammar has another shape; left as it is (parses, only slower)');
  } else if (patched !== source) {
    writeFileSync(`${file}.new`, patched);
    renameSync(`${file}.new`, file);
    console.log('patch-sip-grammar: SIP.js grammar bytecode decoded once per process');
  }
}
