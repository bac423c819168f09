import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'src-core/**/*.test.ts',
      'tools/**/*.test.ts',
      'renderer/src/**/*.test.ts',
      'renderer/src/**/*.test.tsx',
      'electron/**/*.test.ts',
    ],
    // Integration tests start real servers on loopback; keep the two cores busy but not swamped.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
