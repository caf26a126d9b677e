import os from 'node:os';
import path from 'node:path';
import { defineConfig } from 'vitest/config';

// obsctl keeps passing validation checks in the user's cache (src/validate/check-cache.ts): tests
// and the obsctl processes they start use a cache of this run instead, never the real home's
// (removed by test/helpers/cache-dir.ts when the run ends).
const cacheDir = path.join(os.tmpdir(), `obsctl-test-cache-${process.pid}`);
const env = { OBSCTL_CACHE_DIR: cacheDir };
const globalSetup = ['test/helpers/cache-dir.ts'];

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
          env,
          globalSetup,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
          fileParallelism: false,
          env,
          globalSetup,
        },
      },
    ],
  },
});
