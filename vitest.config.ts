import { defineConfig } from 'vitest/config';

// Four projects, one per kind of test. `npm test` (test/run.mjs) runs them all; integration and e2e share one
// SIP lab started by test/support/lab-setup.ts.
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', environment: 'node', include: ['test/unit/**/*.test.ts', 'test/architecture/**/*.test.ts'] } },
      { test: { name: 'renderer', environment: 'happy-dom', include: ['test/renderer/**/*.test.{ts,tsx}'] } },
      {
        test: {
          name: 'integration', environment: 'node', include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/support/lab-setup.ts'], fileParallelism: false, testTimeout: 30_000, hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e', environment: 'node', include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/support/lab-setup.ts'], fileParallelism: false, testTimeout: 60_000, hookTimeout: 60_000,
        },
      },
    ],
  },
});
