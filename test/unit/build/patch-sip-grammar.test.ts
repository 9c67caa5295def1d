import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error: plain JavaScript build script
import { grammarPath, hoistBytecode } from '../../../build/patch-sip-grammar.mjs';

const hoist = hoistBytecode as (s: string) => string | undefined;
const root = path.resolve(__dirname, '../../..');
const installed = readFileSync((grammarPath as (r: string) => string)(root), 'utf8');
/** The grammar as SIP.js ships it (undoing the patch if `npm ci` already applied it). */
const stock = installed.includes('peg$bytecodeCache')
  ? installed
      .replace('let peg$bytecodeCache;\n', '')
      .replace('const peg$bytecode = peg$bytecodeCache || (peg$bytecodeCache = [\n', 'const peg$bytecode = [\n')
      .replace(/\n {4}\]\);\n/, '\n    ];\n')
  : installed;

const dir = mkdtempSync(path.join(os.tmpdir(), 'diadema-grammar-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A copy of the grammar module that imports SIP.js's own header classes, loaded on its own. */
async function load(name: string, source: string) {
  const base = path.join(dir, name);
  mkdirSync(path.join(base, 'pegjs', 'dist'), { recursive: true });
  const sip = path.join(root, 'node_modules', 'sip.js', 'lib', 'grammar');
  for (const m of ['name-addr-header', 'uri'])
    writeFileSync(path.join(dir, name, `${m}.js`), `export * from ${JSON.stringify(path.join(sip, `${m}.js`))};\n`);
  const file = path.join(base, 'pegjs', 'dist', 'grammar.js');
  // Its relative imports (../../name-addr-header.js) resolve to the two re-exports above.
  writeFileSync(file, source);
  return (await import(pathToFileURL(file).href)) as {
    parse: (input: string, o: { startRule: string; data?: object }) => unknown;
  };
}

const inputs: Array<[string, string]> = [
  ['Request_Response', 'INVITE sip:1001@127.0.0.1:5070;transport=ws;ob SIP/2.0'],
  ['Request_Response', 'SIP/2.0 183 Session Progress'],
  ['Name_Addr_Header', '"Ana \\"la\\" María" <sip:+34%20600@example.test;user=phone>;tag=abc;x=1'],
  ['Contact', '<sip:1002@127.0.0.1:5080;transport=ws;ob>;expires=600;+sip.instance="<urn:uuid:1>", *'],
  ['Via', 'SIP/2.0/WSS 127.0.0.1:8080;branch=z9hG4bK1;rport=5060;received=10.0.0.1'],
  ['Record_Route', '<sip:127.0.0.1:5066;transport=ws;r2=on;lr>, <sip:127.0.0.1;r2=on;lr>'],
  ['CSeq', '2 INVITE'],
  ['Call_ID', 'xyz@127.0.0.1'],
  ['Refer_To', '<sip:1003@example.test?Replaces=abc%40h%3Bto-tag%3D1%3Bfrom-tag%3D2>'],
  ['Replaces', 'abc@h;to-tag=1;from-tag=2;early-only'],
  ['Event', 'refer;id=3'],
  ['Subscription_State', 'terminated;reason=noresource'],
  ['WWW_Authenticate', 'Digest realm="example.test", nonce="abc", qop="auth", algorithm=MD5'],
  ['SIP_URI', 'sips:[::1]:5061;transport=tls?subject=hi'],
  ['Content_Type', 'application/sdp; charset=utf-8'],
  ['Name_Addr_Header', '<sip:broken@'],
  ['Via', 'nonsense'],
];
const outcome = (
  parse: (i: string, o: { startRule: string; data: object }) => unknown,
  rule: string,
  input: string,
) => {
  // Rules leave some of what they read in `options.data` (as SIP.js's Grammar.parse reads it): compare both.
  const options = { startRule: rule, data: {} };
  try {
    const result = parse(input, options);
    return JSON.stringify({ result: result ?? null, data: options.data });
  } catch (err) {
    return `no match: ${(err as Error).message}`;
  }
};

describe('SIP.js grammar decoded once', () => {
  it('moves the bytecode table out of the parse, once, and leaves an unknown shape alone', () => {
    const patched = hoist(stock)!;
    expect(patched).toBeDefined();
    expect(patched).toContain('const peg$bytecode = peg$bytecodeCache || (peg$bytecodeCache = [');
    expect(patched.startsWith('let peg$bytecodeCache;\n')).toBe(true);
    expect(hoist(patched)).toBe(patched);
    expect(hoist('function peg$parse() { const x = 1; }')).toBeUndefined();
    // A table entry that is not plain decoded data could depend on the parse's own state: not touched.
    expect(
      hoist('    const peg$bytecode = [\n        peg$decode("a"),\n        input.length\n    ];\n'),
    ).toBeUndefined();
  });

  it('parses every input exactly as SIP.js does, the first time and again from the kept table', async () => {
    const before = await load('stock', stock);
    const after = await load('patched', hoist(stock)!);
    for (const [rule, input] of inputs) {
      const expected = outcome(before.parse, rule, input);
      expect(outcome(after.parse, rule, input), `${rule}: ${input}`).toBe(expected);
      expect(outcome(after.parse, rule, input), `${rule} again`).toBe(expected);
    }
    // Malformed input is refused the same way (the last two inputs).
    for (const [rule, input] of inputs.slice(-2)) expect(outcome(after.parse, rule, input)).toMatch(/^no match/);
  });

  it('is what npm ci installed', () => {
    expect(installed).toBe(hoist(stock));
  });
});
