// `up` reads its project's containers from the Engine API's list call alone (no inspect per
// container, issue 15): health comes from the status text the engine writes there. These are the
// engine's own phrasings (moby daemon: `Up <duration> (<health>)`); test/e2e/gpu-replay.test.ts
// compares the two ways on a live stack.
import { describe, expect, it } from 'vitest';
import { healthFromStatus } from '../src/runtime/engine.js';

describe('health from the list call', () => {
  it.each([
    ['Up 4 minutes (healthy)', 'healthy'],
    ['Up 3 seconds (health: starting)', 'starting'],
    ['Up About a minute (unhealthy)', 'unhealthy'],
    ['Up 2 hours (Paused)', undefined],
    ['Up 5 seconds', undefined],
    ['Exited (1) 2 minutes ago', undefined],
    ['Restarting (1) 3 seconds ago', undefined],
    ['Created', undefined],
    [undefined, undefined],
  ])('%s -> %s', (status, health) => {
    expect(healthFromStatus(status)).toBe(health);
  });
});
