import { describe, expect, it } from 'vitest';
import { ancestorMounts, dataFilesystemFreeRatio, substituteDataFilesystem } from '../src/render/prometheus-disk.js';

describe('the filesystem holding Prometheus data (PrometheusDiskFillingUp)', () => {
  it('tries the deepest ancestor mount first, down to /', () => {
    expect(ancestorMounts('/var/lib/docker')).toEqual(['/var/lib/docker', '/var/lib', '/var', '/']);
    expect(ancestorMounts('/raid/docker/')).toEqual(['/raid/docker', '/raid', '/']);
    expect(ancestorMounts('/')).toEqual(['/']);
  });

  it('chains them with or on(instance), so a deeper mount hides the filesystems above it', () => {
    expect(dataFilesystemFreeRatio('/data')).toBe(
      'node_filesystem_avail_bytes{job="node-exporter",mountpoint="/data"} / node_filesystem_size_bytes{job="node-exporter",mountpoint="/data"}\n' +
        '  or on(instance)\n' +
        'node_filesystem_avail_bytes{job="node-exporter",mountpoint="/"} / node_filesystem_size_bytes{job="node-exporter",mountpoint="/"}',
    );
  });

  it('replaces the placeholder line keeping its indentation; files without it pass unchanged', () => {
    const text = 'expr: |\n  (\n    __PROMETHEUS_DATA_FILESYSTEM_FREE_RATIO__\n  ) < 0.10\n';
    const out = substituteDataFilesystem(text, '/srv');
    expect(out).toContain('    node_filesystem_avail_bytes{job="node-exporter",mountpoint="/srv"}');
    expect(out).toContain('      or on(instance)\n    node_filesystem_avail_bytes{job="node-exporter",mountpoint="/"}');
    expect(out).not.toContain('__PROMETHEUS');
    expect(substituteDataFilesystem('groups: []\n', '/srv')).toBe('groups: []\n');
  });
});
