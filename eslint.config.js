import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'scripts/*.d.mts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', setImmediate: 'readonly', performance: 'readonly', Buffer: 'readonly', URL: 'readonly', AbortController: 'readonly' },
    },
    rules: {
      'no-console': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // The browser bundle and the shared core run in browsers: no Node built-ins (a terminal
    // client, which runs on Node, is free to use them). The DOM half of the rule is
    // tsconfig.core.json. server/protocol.ts and server/names.ts are in the bundle too.
    files: ['client/core/**', 'client/browser/**', 'server/protocol.ts', 'server/names.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['node:*'], message: 'client code runs in browsers: no Node built-ins.' }] }] },
  },
  {
    // Tests poke at response bodies, which supertest types as any.
    files: ['test/**', 'bench/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // The benchmark prints its table; the bundler script reports sizes.
    files: ['bench/**', 'scripts/**'],
    rules: { 'no-console': 'off' },
  },
);
