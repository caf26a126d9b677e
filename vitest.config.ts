import { defineConfig } from 'vitest/config';

// Two projects: `unit` needs no Docker and runs in seconds (npm test); `e2e` drives the real
// Docker engine and real binaries (npm run test:e2e), run by .ci/run after the unit suite.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/e2e/**'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
