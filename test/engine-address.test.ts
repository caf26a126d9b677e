import { describe, expect, it } from 'vitest';
import { engineAddress } from '../src/runtime/engine-address.js';

describe('engineAddress', () => {
  it('names DOCKER_HOST when set (dockerode and Compose follow it), else the default socket', () => {
    expect(engineAddress({ DOCKER_HOST: 'unix:///tmp/faults.sock' })).toBe('unix:///tmp/faults.sock');
    expect(engineAddress({})).toBe('/var/run/docker.sock');
    expect(engineAddress({ DOCKER_HOST: '' })).toBe('/var/run/docker.sock');
  });
});
