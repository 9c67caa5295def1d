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
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-control-regex': 'off',
    },
  },
  { files: ['renderer/**'], languageOptions: { globals: { ...globals.browser } } },
  // Only the Electron shell may import electron at runtime (the boundaries test checks this too).
  {
    files: ['electron/common/**', 'electron/node/**', 'electron/browser-host/**', 'renderer/**', 'test/**', 'bench/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [{ name: 'electron', allowTypeImports: true, message: 'only electron/main and electron/preload may import electron' }] }] },
  },
);
