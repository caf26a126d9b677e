// Properties of the rendered stack that make it safe and right on the hardware, checked on the
// compose object itself (the goldens pin the exact bytes; these say what must stay true).
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configSchema, type ConfigInput } from '../src/config/schema.js';
import { loadContent } from '../src/content.js';
import { render } from '../src/render/index.js';
import type { RenderOptions } from '../src/render/profile.js';

const content = loadContent();
type Service = { image: string; ports?: string[]; deploy?: unknown; cap_add?: string[]; network_mode?: string; command?: string[]; volumes?: string[]; healthcheck?: unknown; environment?: Record<string, string> };
function stack(input: ConfigInput, options: RenderOptions) {
  const r = render(configSchema.parse(input), options, content);
  const file = (p: string) => r.files.find((f) => f.path === p)?.content;
  return { r, file, compose: parse(file('compose.yaml')!) as { services: Record<string, Service> } };
}

describe('rendered compose stack', () => {
  it('publishes only the UIs, only on the listen address; exporters are not published', () => {
    const { compose } = stack({ gpu: 'nvidia' }, { profile: 'nvidia' });
    for (const [name, s] of Object.entries(compose.services)) {
      for (const p of s.ports ?? []) expect(p, name).toMatch(/^127\.0\.0\.1:/);
      if (['node-exporter', 'dcgm-exporter'].includes(name)) expect(s.ports, name).toBeUndefined();
      expect(s.healthcheck, `${name} has a health check`).toBeDefined();
    }
    const node = compose.services['node-exporter']!;
    expect(node.network_mode).toBe('host');
    expect(node.command).toContain('--web.listen-address=172.30.254.1:9100');
  });

  it('hands the GPU to dcgm-exporter only, and SYS_ADMIN only for profiling', () => {
    const plain = stack({ gpu: 'nvidia' }, { profile: 'nvidia' }).compose.services;
    expect(Object.entries(plain).filter(([, s]) => s.deploy).map(([n]) => n)).toEqual(['dcgm-exporter']);
    expect(plain['dcgm-exporter']!.cap_add).toBeUndefined();
    expect(stack({ gpu: 'nvidia', exporters: { dcgm: { profiling: true } } }, { profile: 'nvidia' }).compose.services['dcgm-exporter']!.cap_add).toEqual(['SYS_ADMIN']);
  });

  it('leaves every GPU part out on a CPU-only host', () => {
    const { compose, r } = stack({}, { profile: 'none' });
    expect(compose.services['dcgm-exporter']).toBeUndefined();
    expect(r.files.some((f) => /gpu|dcgm/.test(f.path))).toBe(false);
  });

  it('GB10 counters hold only what GB10 emits; generic NVIDIA has the framebuffer fields', () => {
    const gb10 = stack({ gpu: 'gb10' }, { profile: 'gb10' }).file('dcgm/counters.csv')!;
    expect(gb10).not.toMatch(/^DCGM_FI_DEV_FB_|^DCGM_FI_DEV_MEM_CLOCK|^DCGM_FI_PROF_/m);
    expect(gb10).toMatch(/^DCGM_FI_DEV_GPU_UTIL, gauge/m);
    expect(stack({ gpu: 'nvidia' }, { profile: 'nvidia' }).file('dcgm/counters.csv')).toMatch(/^DCGM_FI_DEV_FB_USED, gauge/m);
  });

  it('--simulate-gpu runs the recorded-output simulator: no GPU reservation, series labelled simulated', () => {
    const { compose, file } = stack({ gpu: 'gb10' }, { profile: 'gb10', simulateGpu: true });
    const dcgm = compose.services['dcgm-exporter']!;
    expect(dcgm.deploy).toBeUndefined();
    expect(dcgm.image).toBe('node:22-alpine');
    expect(dcgm.environment?.SIM_PROFILE).toBe('gb10');
    expect(dcgm.volumes).toEqual(['./dcgm-sim:/sim:ro']);
    expect(file('dcgm-sim/dcgm-simulator.mjs')).toContain('createServer');
    expect(file('dcgm-sim/recorded.prom')).toContain('DCGM_FI_DEV_GPU_TEMP');
    expect(file('prometheus/prometheus.yml')).toContain('simulated: "true"');
  });

  it('never renders a secret value, only file-sourced Compose secrets obsctl writes at up', () => {
    const { file, r } = stack(
      { alertmanager: { receivers: [{ name: 'ops', type: 'slack', api_url: { env: 'SLACK_URL' }, channel: '#x' }] }, targets: [{ name: 'api', urls: ['a:1'], bearer_token: { file: '/t' } }] },
      { profile: 'none' },
    );
    expect(file('alertmanager/alertmanager.yml')).toContain('api_url_file: /run/secrets/receiver_ops_api_url');
    expect(file('prometheus/prometheus.yml')).toContain('credentials_file: /run/secrets/target_api_token');
    expect(r.secrets.map((s) => s.envVar)).toEqual(['OBSCTL_SECRET_TARGET_API_TOKEN', 'OBSCTL_SECRET_RECEIVER_OPS_API_URL', 'OBSCTL_SECRET_GRAFANA_ADMIN_PASSWORD']);
    expect(file('compose.yaml')).toContain('receiver_ops_api_url:\n    file: ../secrets/receiver_ops_api_url');
    expect(file('compose.yaml')).not.toContain('environment: OBSCTL_SECRET_');
  });

  it('uses a registry prefix for every default image, and explicit overrides as written', () => {
    const { compose } = stack({ gpu: 'nvidia', images: { registry: 'mirror.local:5000/m', grafana: 'my/grafana:1' } }, { profile: 'nvidia' });
    expect(compose.services.prometheus!.image).toBe('mirror.local:5000/m/prom/prometheus:v3.5.0');
    expect(compose.services['dcgm-exporter']!.image).toBe('mirror.local:5000/m/nvidia/k8s/dcgm-exporter:4.6.0-4.8.3-ubuntu22.04');
    expect(compose.services.grafana!.image).toBe('my/grafana:1');
  });
});
