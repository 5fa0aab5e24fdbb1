import { defineConfig } from 'vitest/config';

// Unit tests: pure logic (engine, store, exports) with fakes. Browser behaviour lives in e2e/.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'lab/**/*.test.ts', 'scripts/**/*.test.ts'],
    environment: 'node',
  },
});
