// Least privilege, limits and log rotation of every rendered service (src/render/hardening.ts), the
// `resources:` section, verify's hardening group against the engine's view of the containers (FAKE
// engine: test/fakes/docker.ts, shaped after the real inspect output; the real one runs in
// test/e2e/lifecycle.test.ts), and the disk-margin preflight warning.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseConfigText } from '../src/config/load.js';
import { configSchema, type ConfigInput } from '../src/config/schema.js';
import { loadContent } from '../src/content.js';
import { render } from '../src/render/index.js';
import { bytesOf, goMemLimit, policies } from '../src/render/hardening.js';
import type { RenderOptions } from '../src/render/profile.js';
import type { ContainerRuntimeConfig } from '../src/runtime/engine.js';
import { diskCheck } from '../src/runtime/preflight.js';
import { hardeningChecks } from '../src/verify/checks/hardening.js';
import { FakeEngine } from './fakes/docker.js';

const content = loadContent();
type Svc = Record<string, unknown> & { labels?: Record<string, string>; environment?: Record<string, string> };
function stack(input: ConfigInput, options: RenderOptions) {
  const r = render(configSchema.parse(input), options, content);
  return { r, services: (parse(r.files.find((f) => f.path === 'compose.yaml')!.content) as { services: Record<string, Svc> }).services };
}

const everything: [ConfigInput, RenderOptions][] = [
  [{ gpu: 'nvidia', exporters: { cadvisor: { enabled: true }, blackbox: { probes: [{ name: 'web', urls: ['https://example.com'] }] }, dcgm: { profiling: true } } }, { profile: 'nvidia' }],
  [{ gpu: 'gb10' }, { profile: 'gb10' }],
  [{ gpu: 'nvidia' }, { profile: 'nvidia', simulateGpu: true }],
];

describe('hardened services', () => {
  it('every service: caps dropped (or a labelled exception), no-new-privileges, memory+CPU limit, log rotation', () => {
    let seen = 0;
    for (const [input, options] of everything) {
      for (const [name, s] of Object.entries(stack(input, options).services)) {
        seen++;
        const exception = s.labels?.['org.obsctl.hardening.exception'];
        if (s.privileged) expect(exception, `${name} is privileged without a stated reason`).toMatch(/privileged/);
        else expect(s.cap_drop, name).toEqual(['ALL']);
        expect(s.security_opt, name).toEqual(['no-new-privileges:true']);
        expect(s.mem_limit, name).toBeGreaterThan(0);
        expect(s.memswap_limit, name).toBe(s.mem_limit);
        expect(s.cpus, name).toBeGreaterThan(0);
        expect(s.logging, name).toEqual({ driver: 'json-file', options: { 'max-size': '10m', 'max-file': '3' } });
        if (s.read_only !== true || s.user === undefined) expect(exception, `${name} writable or root without a stated reason`).toBeTruthy();
      }
    }
    expect(seen).toBeGreaterThanOrEqual(15);
  });

  it('runs the images’ own non-root users, read-only, and keeps node-exporter’s host mount read-only', () => {
    const s = stack({ gpu: 'none' }, { profile: 'none' }).services;
    expect([s.prometheus!.user, s.alertmanager!.user, s.grafana!.user, s['node-exporter']!.user]).toEqual(['65534:65534', '65534:65534', '472:0', '65534:65534']);
    // Read-only unless Compose must copy secrets in (the Engine refuses that on a read-only root):
    // Grafana gets its admin password that way, so it runs writable, with the reason as a label.
    for (const [name, x] of Object.entries(s)) {
      const secrets = (x.secrets as unknown[] | undefined) ?? [];
      expect(x.read_only, name).toBe(secrets.length === 0);
      if (secrets.length) expect(x.labels?.['org.obsctl.hardening.exception'], name).toMatch(/secrets/);
    }
    expect(s.grafana!.read_only).toBe(false);
    expect(s.grafana!.tmpfs).toEqual(['/tmp:mode=1777', '/var/log/grafana:mode=1777']);
    expect((s['node-exporter']!.volumes as string[]).every((v) => /:ro(,|$)/.test(v))).toBe(true);
  });

  it('adds SYS_ADMIN to dcgm-exporter only for profiling, and the simulator runs as nobody, read-only', () => {
    const profiling = stack(everything[0]![0], everything[0]![1]).services['dcgm-exporter']!;
    expect(profiling.cap_add).toEqual(['SYS_ADMIN']);
    expect(stack({ gpu: 'nvidia' }, { profile: 'nvidia' }).services['dcgm-exporter']!.cap_add).toBeUndefined();
    const sim = stack({ gpu: 'nvidia' }, { profile: 'nvidia', simulateGpu: true }).services['dcgm-exporter']!;
    expect([sim.user, sim.read_only, sim.mem_limit, sim.cap_add]).toEqual(['65534:65534', true, bytesOf('128MB'), undefined]);
  });

  it('resources: from obsctl.yaml reach the limits, and GOMEMLIMIT follows Prometheus’s limit', () => {
    const { services, r } = stack({ resources: { prometheus: { memory: '4GB', cpus: 2 }, logs: { max_size: '50m', max_files: 5 } } }, { profile: 'none' });
    expect(services.prometheus!.mem_limit).toBe(4 * 1024 ** 3);
    expect(services.prometheus!.cpus).toBe(2);
    expect(services.prometheus!.environment!.GOMEMLIMIT).toBe(goMemLimit(4 * 1024 ** 3));
    expect(goMemLimit(4 * 1024 ** 3)).toBe('3276MiB');
    expect(services.alertmanager!.logging).toEqual({ driver: 'json-file', options: { 'max-size': '50m', 'max-file': '5' } });
    expect(r.manifest.services.find((x) => x.name === 'prometheus')!.hardening).toMatchObject({ memoryBytes: 4 * 1024 ** 3, nanoCpus: 2e9, readOnly: true, capDrop: ['ALL'] });
  });

  it('a bad resources value is a located config error', () => {
    const result = parseConfigText('resources:\n  prometheus:\n    memory: lots\n', { env: {}, fileExists: () => false, baseDir: '/nonexistent' });
    expect(result.errors.find((e) => e.path === 'resources.prometheus.memory' && e.line === 3)?.message).toContain('a size such as');
  });

  it('every service name has a policy (a new service must state its own)', () => {
    expect(Object.keys(policies).sort()).toEqual(['alertmanager', 'blackbox', 'cadvisor', 'dcgm-exporter', 'dcgm-simulator', 'grafana', 'node-exporter', 'postgres-exporter', 'prometheus', 'pushgateway', 'redis-exporter', 'victoria-metrics']);
  });
});

/** What the real engine reports for a container created from a rendered service (recorded shape). */
function asRunning(h: NonNullable<ReturnType<typeof stack>['r']['manifest']['services'][number]['hardening']>, ports: { address: string; port: number; containerPort: number }[]): ContainerRuntimeConfig {
  return {
    capDrop: h.capDrop, capAdd: h.capAdd, privileged: h.privileged, readOnly: h.readOnly, securityOpt: ['no-new-privileges:true'], user: h.user,
    memoryBytes: h.memoryBytes, nanoCpus: h.nanoCpus, logType: 'json-file', logOptions: { 'max-size': h.logMaxSize, 'max-file': h.logMaxFile },
    ports: ports.map((p) => ({ hostIp: p.address, hostPort: p.port, containerPort: p.containerPort })), oomKilled: false,
  };
}

describe('verify: hardening group', () => {
  const { manifest } = stack({ gpu: 'none' }, { profile: 'none' }).r;
  const running = () => {
    const engine = new FakeEngine();
    engine.runStack(manifest);
    for (const c of engine.containers) {
      const s = manifest.services.find((x) => x.name === c.service)!;
      engine.runtime.set(c.id, asRunning(s.hardening!, s.ports));
    }
    return engine;
  };

  it('passes every service that runs as rendered', async () => {
    const checks = await hardeningChecks(running(), manifest.project, manifest.services, 1_800_000_000);
    expect(checks.map((c) => `${c.name} ${c.status}`)).toEqual(manifest.services.map((s) => `${s.name} pass`));
    expect(checks[0]!.reason).toContain('read-only root');
  });

  it('fails a container someone changed by hand, naming what differs', async () => {
    const engine = running();
    const prom = engine.containers.find((c) => c.service === 'prometheus')!;
    const r = await engine.runtimeConfig(prom.id);
    engine.runtime.set(prom.id, { ...r, capDrop: [], readOnly: false, securityOpt: [], memoryBytes: 0, ports: [{ hostIp: '0.0.0.0', hostPort: 9090, containerPort: 9090 }] });
    const checks = await hardeningChecks(engine, manifest.project, manifest.services, 1_800_000_000);
    const bad = checks.find((c) => c.name === 'prometheus')!;
    expect(bad.status).toBe('fail');
    for (const what of ['cap_drop: rendered [ALL], running []', 'read-only root: rendered true, running false', 'no-new-privileges', 'memory limit', 'published: rendered [127.0.0.1:9090->9090], running [0.0.0.0:9090->9090]']) expect(bad.reason).toContain(what);
    expect(checks.filter((c) => c.status === 'fail')).toHaveLength(1);
  });

  it('names a service the kernel OOM-killed at its limit within the last hour', async () => {
    const engine = running();
    engine.ooms = [{ service: 'prometheus', time: 1_800_000_000 - 60 }, { service: 'prometheus', time: 1_800_000_000 - 30 }, { service: 'alertmanager', time: 1_800_000_000 - 7200 }];
    const checks = await hardeningChecks(engine, manifest.project, manifest.services, 1_800_000_000);
    const oom = checks.filter((c) => c.name.startsWith('oom'));
    expect(oom.map((c) => [c.name, c.status])).toEqual([['oom prometheus', 'fail']]);
    expect(oom[0]!.reason).toContain('OOM-killed in the last 60 min at its 2.0 GiB memory limit (2 OOM events from the engine');
    expect(oom[0]!.hint).toContain('resources.prometheus.memory');
  });

  it('is skipped, saying why, without an engine', async () => {
    expect((await hardeningChecks(undefined, 'p', manifest.services, 0))[0]!.status).toBe('skip');
  });
});

describe('preflight: retention_size against free disk', () => {
  const info = { serverVersion: '20.10.24', architecture: 'x86_64', os: 'Debian', runtimes: [], cdiSpecDirs: [], dockerRootDir: '/var/lib/docker' };
  const gib = 1024 ** 3;
  it('warns when retention_size is more than free disk minus the margin, refuses when more than free', () => {
    expect(diskCheck(info, '20GB', true, 100 * gib).ok).toBe(true);
    const tight = diskCheck(info, '20GB', true, 22 * gib);
    expect([tight.ok, tight.fatal]).toEqual([false, false]);
    expect(tight.detail).toContain('20% margin (17.6 GiB)');
    expect(tight.hint).toContain('17.6GB');
    const full = diskCheck(info, '20GB', true, 10 * gib);
    expect([full.ok, full.fatal]).toEqual([false, true]);
  });
});
