/**
 * The browser e2e suite (`npm test` runs it after the unit and integration tests): real
 * headless Chromium driven by playwright-core against a `skein serve` process. One file at a
 * time: each starts its own server and browser, and the demo federation is CPU-heavy.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: ['e2e/**/*.e2e.ts'],
    globalSetup: ['e2e/build-admin-ui.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
