import { defineConfig } from 'vitest/config';

// Unit tests: pure logic (engine, store, exports) with fakes. Browser behaviour lives in e2e/.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'lab/**/*.test.ts', 'scripts/**/*.test.ts'],
    environment: 'node',
    // Vitest's 5 s default fails heavy cases (the 10,000-case fuzz, the Markdown size budgets, the
    // boundary checks that run Biome and tsc) on a busy 2-core machine: a timeout here measures the
    // machine, not the code, and speed is measured in `npm run bench`.
    testTimeout: 120_000,
  },
});
