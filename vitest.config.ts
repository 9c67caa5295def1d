import { defineConfig } from 'vitest/config';

// Five projects, one per kind of test. `npm test` (test/run.mjs) runs them all; integration, e2e and package each
// start a private SIP lab (test/support/lab-setup.ts). The package project installs the Debian package on this
// machine, so it runs alone: `groupOrder: 1` puts it after unit and renderer, and vitest runs the files of projects
// without file parallelism and without a groupOrder (integration, e2e) one at a time after every ordered group. Each project inherits the root's `resolve` (`extends: true`), so
// the `@common/*` alias comes from the `paths` of tsconfig.base.json, as in tsc, esbuild and the renderer's Vite.
export default defineConfig({
  resolve: { tsconfigPaths: true },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          environment: 'node',
          include: ['test/unit/**/*.test.ts', 'test/architecture/**/*.test.ts'],
        },
      },
      {
        extends: true,
        test: { name: 'renderer', environment: 'happy-dom', include: ['test/renderer/**/*.test.{ts,tsx}'] },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          environment: 'node',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/support/lab-setup.ts'],
          fileParallelism: false,
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/support/lab-setup.ts'],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'package',
          environment: 'node',
          include: ['test/package/**/*.test.ts'],
          globalSetup: ['test/support/lab-setup.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 600_000,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
