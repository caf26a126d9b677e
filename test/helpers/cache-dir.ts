// Global setup of both vitest projects: the check cache of this test run (vitest.config.ts sets
// OBSCTL_CACHE_DIR for the tests) is removed when the run ends.
import { rmSync } from 'node:fs';
import type { TestProject } from 'vitest/node';

export default function setup(project: TestProject) {
  const dir = project.config.env?.OBSCTL_CACHE_DIR;
  return () => {
    if (typeof dir === 'string' && dir.includes('obsctl-test-cache-')) rmSync(dir, { recursive: true, force: true });
  };
}
