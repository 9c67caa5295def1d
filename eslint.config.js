import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.lab/**', '.tmp/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-control-regex': 'off',
    },
  },
  { files: ['renderer/**'], languageOptions: { globals: { ...globals.browser } } },
  // Typed linting: each TypeScript file is linted with the types of its own project (the composite tsconfig.json
  // of its folder, found by the project service); the two tool configs outside every project use a default one.
  // A promise nobody awaits or handles must say so (`ignorePromise(p)` from electron/common/ignore-promise.ts, or
  // `void` where the rejection cannot happen), and no promise goes where a plain value or void callback is expected.
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.mts'],
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['vitest.config.ts', 'renderer/vite.config.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  // Only the Electron shell may import electron at runtime (the boundaries test checks this too).
  {
    files: ['electron/common/**', 'electron/node/**', 'electron/browser-host/**', 'renderer/**', 'test/**', 'bench/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              allowTypeImports: true,
              message: 'only electron/main and electron/preload may import electron',
            },
          ],
        },
      ],
    },
  },
);
