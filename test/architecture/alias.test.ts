import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { hexToBytes } from '@common/hid/report-descriptor';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

// `@common/*` is defined once, in the `paths` of tsconfig.base.json; tsc (this file type-checks), Vite/vitest
// (`resolve.tsconfigPaths`) and esbuild (nearest tsconfig.json) all read it from there.
describe('the @common alias', () => {
  it('loads the same module as the file path under vitest', async () => {
    // A computed path, so that build/codemods/common-alias.mjs leaves it as it is.
    const byPath = (await import(path.join(root, 'electron', 'common', 'hid', 'report-descriptor.ts'))) as {
      hexToBytes: unknown;
    };
    expect(hexToBytes).toBe(byPath.hexToBytes);
  });

  it('resolves in esbuild from the tsconfig paths, as build/bundle.mjs and bench/run.mjs use it', async () => {
    const r = await build({
      stdin: {
        contents: "export { hexToBytes } from '@common/hid/report-descriptor';",
        resolveDir: path.join(root, 'test', 'architecture'),
        loader: 'ts',
      },
      absWorkingDir: root,
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'neutral',
      metafile: true,
      logLevel: 'silent',
    });
    expect(Object.keys(r.metafile.inputs)).toContain('electron/common/hid/report-descriptor.ts');
  });
});
