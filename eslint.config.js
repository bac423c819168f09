// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['node_modules/', '.tsbuild/', 'dist/', 'build/', 'test-results/', 'bench-results/'],
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
);
