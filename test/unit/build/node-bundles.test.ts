import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// The Node bundles as `node build/bundle.mjs` leaves them in dist/node (built before the unit tests).
const dist = path.resolve('dist/node');
const bundles = ['browser-host.mjs', 'cli.mjs', 'store-worker.mjs'];
const natives = new Set(['better-sqlite3', 'node-hid', '@vscode/policy-watcher', 'bufferutil', 'utf-8-validate']);
/** Module specifiers of the static imports (statement starts) and of import("…") calls. */
const bareImports = (text: string) =>
  [
    ...text.matchAll(
      /(?:^|[;}\n])\s*import\s*(?:[\w$*{}\s,]+\s*from\s*)?["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)/g,
    ),
  ]
    .map((m) => m[1] ?? m[2]!)
    .filter((s) => !s.startsWith('node:') && !s.startsWith('.'));

describe('Node bundles', () => {
  it('load only native addons from node_modules; every other package is inside', () => {
    const seen = new Set<string>();
    for (const b of bundles) {
      const imported = bareImports(readFileSync(path.join(dist, b), 'utf8'));
      for (const s of imported) seen.add(s);
      expect(
        imported.filter((s) => !natives.has(s)),
        b,
      ).toEqual([]);
    }
    // The scan does see imports: the two native addons the core loads.
    expect([...seen]).toEqual(expect.arrayContaining(['better-sqlite3', 'node-hid']));
  });

  it('name the packages they contain, each a production dependency (the Debian package ships and lists them)', () => {
    const listed = JSON.parse(readFileSync(path.join(dist, 'bundled-packages.json'), 'utf8')) as string[];
    expect(listed).toEqual(expect.arrayContaining(['jose', 'sip.js', 'ws', 'zod']));
    const deps = Object.keys(
      (JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies: Record<string, string> }).dependencies,
    );
    for (const p of listed) expect(deps, p).toContain(p);
  });

  it('keep the names of functions and classes (minified without renaming: stack traces still read)', () => {
    const host = readFileSync(path.join(dist, 'browser-host.mjs'), 'utf8');
    expect(host).toMatch(/\bRegistrationService=class\b|\bclass RegistrationService\b/);
    expect(host).toMatch(/function launchChromium\(/);
  });
});
