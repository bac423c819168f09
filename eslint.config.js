// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      '.tsbuild/',
      'dist/',
      '**/dist/',
      'build/',
      'test-results/',
      'bench-results/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // The core is a plain Node library: it must not depend on either front end
    // (VS Code-style layering; tsconfig references enforce the same from the other side).
    files: ['src-core/**/*.ts'],
    rules: {
      'no-console': 'error',
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['electron', 'electron/*'], message: 'src-core must not import Electron.' },
            {
              group: ['react', 'react-dom', 'zustand'],
              message: 'src-core must not import UI code.',
            },
            {
              group: ['**/electron/**', '**/renderer/**'],
              message: 'src-core must not import from the front ends.',
            },
          ],
        },
      ],
    },
  },
  {
    // The test peer is an independent implementation: it must not share our rules' bugs.
    files: ['src-core/demo/test-peer/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/rules/**'],
              message: 'The test peer must not use Skein’s rules modules.',
            },
            {
              group: ['electron', 'react', 'react-dom', 'zustand'],
              message: 'src-core must not import UI code.',
            },
          ],
        },
      ],
    },
  },
  {
    // Rules modules are pure: no I/O, no clock, no randomness.
    files: ['src-core/rules/**/*.ts'],
    ignores: ['src-core/rules/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                'node:fs',
                'node:net',
                'node:http',
                'node:https',
                'fs',
                'net',
                'http',
                'https',
              ],
              message: 'Rules modules are pure: no I/O.',
            },
            {
              group: ['**/storage/**', '**/federation/**', '**/server/**'],
              message: 'Rules modules are pure.',
            },
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Rules modules take time as input.' },
        { object: 'Math', property: 'random', message: 'Rules modules take randomness as input.' },
      ],
    },
  },
  {
    // The renderer runs in a browser (or Electron's sandboxed renderer): it may see the core only
    // through the admin API's types, and nothing of Node (VS Code's browser/ layer rule).
    files: ['renderer/src/**/*.ts', 'renderer/src/**/*.tsx'],
    ignores: ['renderer/src/**/*.int.test.ts'],
    rules: {
      'no-console': 'error',
      // TypeScript checks names against the DOM lib; ESLint's list of browser globals is not needed.
      'no-undef': 'off',
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/src-core/**', '!**/src-core/admin-api/admin-api-types'],
              message: 'The renderer may import only src-core/admin-api/admin-api-types (types).',
            },
            {
              group: ['**/src-core/admin-api/admin-api-types'],
              allowTypeImports: true,
              message: 'Import the admin API types with `import type`.',
            },
            {
              group: ['node:*', 'fs', 'path', 'os', 'net', 'http', 'https', 'child_process'],
              message: 'The renderer runs in a browser: no Node modules.',
            },
            { group: ['electron', 'electron/*'], message: 'Use the window.skein IPC bridge.' },
          ],
        },
      ],
    },
  },
);
