import { defineConfig } from 'vitest/config';

// Browser tests: a real Chromium with the built extension (dist/). One file at a time: each
// launches its own browser, and this machine has two cores.
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    reporters: ['default'],
  },
});
