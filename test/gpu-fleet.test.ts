// A mixed fleet (issue 11, Fleet): capabilities are per host, and the central GPU dashboard shows a
// field's panels only for the hosts that report it (scoped `host=~"…"`, named in the title), with
// the right memory panel per host: the framebuffer from DCGM on the NVIDIA host, unified memory from
// node-exporter on the GB10 host (before: only the framebuffer, nothing for GB10). The recordings are
// real (the A100 vGPU guest reports no temperature or power; the GB10 set is its profile's).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../src/config/schema.js';
import { loadContent } from '../src/content.js';
import { capabilitiesFromExposition, profileCapabilities } from '../src/render/capabilities.js';
import { fieldsIn } from '../src/render/gpu-rules.js';
import { render } from '../src/render/index.js';

const content = loadContent();
const fixtures = path.join(import.meta.dirname, 'fixtures', 'dcgm');
const caps = {
  'spark-a': profileCapabilities('gb10'),
  'h100-1': capabilitiesFromExposition(fs.readFileSync(path.join(fixtures, 'a100-vgpu-dcgm-exporter.prom'), 'utf8')),
  'l40s-1': capabilitiesFromExposition(fs.readFileSync(path.join(fixtures, 'l40s-dcgm-exporter.prom'), 'utf8')),
};
const config = configSchema.parse({
  name: 'lab',
  hosts: [
    { name: 'central-1', role: 'central', address: '10.0.0.10' },
    { name: 'spark-a', address: '10.0.0.11', gpu: 'gb10' },
    { name: 'h100-1', address: '10.0.0.20', gpu: 'nvidia' },
    { name: 'l40s-1', address: '10.0.0.21', gpu: 'nvidia' },
  ],
});
const r = render(config, { profile: 'none', host: 'central-1', gpuCapabilities: caps }, content);
const gpu = JSON.parse(r.files.find((f) => f.path === 'grafana/dashboards/obsctl-gpu.json')!.content) as {
  panels: { type: string; title: string; targets?: { expr: string }[]; options?: { content?: string } }[];
};
const panel = (title: string) => gpu.panels.find((p) => p.title === title);

describe('a mixed GB10 + NVIDIA fleet, central GPU dashboard', () => {
  it('keeps each host capabilities in stack.json', () => {
    expect(Object.keys(r.manifest.gpu.capabilities).sort()).toEqual(['h100-1', 'l40s-1', 'spark-a']);
    expect(r.manifest.gpu.capabilities['spark-a']?.unifiedMemory).toBe(true);
  });

  it('gives each host its memory panel: framebuffer on the NVIDIA hosts, unified memory on the GB10', () => {
    expect(panel('Framebuffer memory (h100-1, l40s-1)')?.targets?.[0]?.expr).toBe(
      'DCGM_FI_DEV_FB_USED{host=~"$host",instance=~"$instance",gpu=~"$gpu",host=~"h100-1|l40s-1"} * 1048576',
    );
    expect(panel('Unified memory used (spark-a)')?.targets?.[0]?.expr).toBe('node_memory_MemTotal_bytes{host=~"$host",host=~"spark-a"} - node_memory_MemAvailable_bytes{host=~"$host",host=~"spark-a"}');
  });

  it('scopes every DCGM query to hosts that report each field it reads', () => {
    const all = Object.keys(caps);
    let scoped = 0;
    for (const p of gpu.panels) {
      for (const t of p.targets ?? []) {
        const m = /host=~"([a-z0-9|-]+)"/.exec(t.expr);
        const hosts = m ? m[1]!.split('|') : all;
        if (m) scoped++;
        const fields = fieldsIn(t.expr);
        for (const h of hosts) {
          const reported = caps[h as keyof typeof caps].fields;
          // `A or B or C` (the GPU count) needs one of them per host; anything else needs all.
          if (/ or /.test(t.expr)) expect(fields.some((f) => reported.includes(f)), `${p.title}: ${h} reports one of ${fields.join(', ')}`).toBe(true);
          else for (const f of fields) expect(reported, `${p.title}: ${h} reports ${f}`).toContain(f);
        }
      }
    }
    expect(scoped).toBeGreaterThan(5);
    expect(panel('GPU temperature (l40s-1, spark-a)')).toBeDefined();
    expect(panel('Power usage (l40s-1, spark-a)')).toBeDefined();
  });

  it('lists what each host does not report, by host', () => {
    const text = gpu.panels.find((p) => p.type === 'text')?.options?.content ?? '';
    expect(text).toContain('h100-1: GPU temperature is not reported by this GPU (GRID A100-10C, vGPU): temperature alerts are off on this host');
    expect(text).toContain('spark-a: GPU framebuffer memory is not reported by this GPU (NVIDIA GB10): memory is unified system memory');
    expect(text).not.toContain('l40s-1: GPU temperature');
  });
});
