// obsctl.lock: parsing (bad input is a clear error), and render writing image@digest from it.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configSchema } from '../src/config/schema.js';
import { loadContent } from '../src/content.js';
import { formatImageLock, lockedImage, parseImageLock, repositoryOf } from '../src/render/image-lock.js';
import { render } from '../src/render/index.js';

const digest = `sha256:${'a'.repeat(64)}`;
const id = `sha256:${'b'.repeat(64)}`;

describe('image lock', () => {
  it('round-trips, and names a broken entry with what to do', () => {
    const lock = { images: { 'prom/prometheus:v3.5.0': { digest, id } } };
    expect(parseImageLock(formatImageLock(lock), 'obsctl.lock')).toEqual(lock);
    expect(() => parseImageLock('{', 'x/obsctl.lock')).toThrow(/x\/obsctl.lock is not a valid image lock/);
    expect(() => parseImageLock(JSON.stringify({ images: { 'a:1': { digest: 'sha256:12', id } } }), 'obsctl.lock')).toThrow(/"a:1" has no sha256 digest/);
  });

  it('repository and locked reference keep a registry port and the tag', () => {
    expect(repositoryOf('127.0.0.1:5000/obsctl-test/prometheus:3.5')).toBe('127.0.0.1:5000/obsctl-test/prometheus');
    expect(repositoryOf('127.0.0.1:5000/x')).toBe('127.0.0.1:5000/x');
    const lock = { images: { 'prom/prometheus:v3.5.0': { digest, id } } };
    expect(lockedImage('prom/prometheus:v3.5.0', lock)).toBe(`prom/prometheus:v3.5.0@${digest}`);
    expect(lockedImage(`prom/prometheus:v3.5.0@sha256:${'c'.repeat(64)}`, lock)).toBe(`prom/prometheus:v3.5.0@${digest}`);
    expect(lockedImage('grafana/grafana:12.1.1', lock)).toBe('grafana/grafana:12.1.1');
  });

  it('render uses image@digest for every locked image and the tag for the others; the manifest agrees', () => {
    const lock = { images: { 'prom/prometheus:v3.5.0': { digest, id }, 'prom/alertmanager:v0.28.1': { digest, id } } };
    const r = render(configSchema.parse({ gpu: 'none' }), { profile: 'none', imageLock: lock }, loadContent());
    const compose = parse(r.files.find((f) => f.path === 'compose.yaml')!.content) as { services: Record<string, { image: string }> };
    expect(compose.services.prometheus!.image).toBe(`prom/prometheus:v3.5.0@${digest}`);
    expect(compose.services.alertmanager!.image).toBe(`prom/alertmanager:v0.28.1@${digest}`);
    expect(compose.services.grafana!.image).toBe('grafana/grafana:12.1.1');
    expect(r.manifest.images).toContain(`prom/prometheus:v3.5.0@${digest}`);
  });
});
