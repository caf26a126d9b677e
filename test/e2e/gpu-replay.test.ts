// Issue 11 end to end: every recording (the shared real T4, test/fixtures/dcgm/*.prom) replayed by
// `up --simulate-gpu=FILE` on one real stack (real engine, Prometheus, Alertmanager, node-exporter;
// the simulator in the local Node image), then `verify`: 0 failing checks, 0 dashboard panels
// without data, and a capability warning for each thing that GPU does not report. Switching the
// recording re-renders the GPU content (rules reloaded, simulator restarted) on the same stack.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dcgmFixtureDir } from '../helpers/shared.js';
import { buildOnce, dockerUnavailable, editConfig, obsctl, promQuery, repoRoot, skipOrFail, stackPorts, tempProject, useTestStack } from './harness.js';

const reason = await dockerUnavailable();
if (reason) skipOrFail(reason);

interface Check {
  group: string;
  name: string;
  status: string;
  reason: string;
}

const localDir = path.join(repoRoot, 'test', 'fixtures', 'dcgm');
const recordings = [
  path.join(dcgmFixtureDir, 't4-dcgm-exporter.prom'),
  ...fs.readdirSync(localDir).filter((f) => f.endsWith('.prom')).sort().map((f) => path.join(localDir, f)),
];

describe.skipIf(Boolean(reason))('up --simulate-gpu=FILE then verify, for every recording', () => {
  const dir = tempProject('e2e-gpu-replay');
  const project = `e2e-gpureplay-${process.pid}`;
  const subnetByte = 30 + (process.pid % 25); // other e2e files use 60-94, 100-139, 150-189, 200-249
  let prom = '';

  beforeAll(async () => {
    await buildOnce();
    const ports = await stackPorts();
    prom = `http://127.0.0.1:${ports.prometheus}`;
    expect((await obsctl(dir, ['init', '--name', project, '--gpu', 'auto'])).code).toBe(0);
    editConfig(dir, (set) => useTestStack(set, subnetByte, ports));
  });

  afterAll(async () => {
    await obsctl(dir, ['down', '--volumes', '--yes']);
  });

  it.each(recordings.map((f) => [path.basename(f), f]))('%s: 0 failing checks, 0 empty panels, capability warnings only', async (_name, file) => {
    const up = await obsctl(dir, ['up', `--simulate-gpu=${file}`]);
    expect(up.code, `${up.stdout}\n${up.stderr}`).toBe(0);
    const v = await obsctl(dir, ['verify', '--wait', '120s', '--json']);
    const body = v.json() as { checks: Check[] };
    const failed = body.checks.filter((c) => c.status === 'fail');
    expect(failed.map((c) => `${c.name}: ${c.reason}\n${JSON.stringify(c)}`), v.stdout).toEqual([]);
    expect(v.code).toBe(0);
    const dashboards = body.checks.filter((c) => c.group === 'dashboards' && c.name !== 'dashboard obsctl / App');
    for (const d of dashboards) expect(d.status, `${d.name}: ${d.reason}`).toBe('pass');
    expect(dashboards.map((d) => d.name)).toContain('dashboard obsctl / GPU (NVIDIA)');
    // Warnings are capability warnings (and nothing else from the GPU side).
    const caps = body.checks.find((c) => c.name === 'gpu capabilities');
    expect(caps?.status).toBe('pass');
    const gpuWarns = body.checks.filter((c) => c.status === 'warn' && c.name.startsWith('gpu '));
    for (const w of gpuWarns) expect(w.reason).toMatch(/(is not reported by|reads a constant 0 on) this GPU/);
    // The replayed series keep the recording's labels (model, UUID) and are marked simulated.
    const model = (fs.readFileSync(file, 'utf8').match(/modelName="([^"]+)"/) ?? [])[1];
    const series = await promQuery(prom, `count by (modelName) ({__name__=~"DCGM_FI_DEV_.+", job="dcgm-exporter", simulated="true"})`);
    expect(series.map((s) => s.metric.modelName)).toEqual([model]);
    if (path.basename(file) === 't4-no-temp-power.derived.prom') {
      expect(gpuWarns.map((w) => w.name).sort()).toEqual(['gpu power', 'gpu temperature']);
      const rules = await promQuery(prom, 'count by (alertname) (ALERTS)');
      expect(rules.map((r) => r.metric.alertname)).not.toContain('GPUTemperatureHigh');
      const loaded = (await (await fetch(`${prom}/api/v1/rules`)).json()) as { data: { groups: { rules: { name: string }[] }[] } };
      const names = loaded.data.groups.flatMap((g) => g.rules.map((r) => r.name));
      expect(names).not.toContain('GPUTemperatureHigh');
      expect(names).not.toContain('GPUPowerOverLimit');
      expect(names).toContain('GPUPCIeReplaysRising');
    }
  }, 300_000);
});

describe.skipIf(Boolean(reason))('up discovers what the GPU reports and re-renders in place', () => {
  const dir = tempProject('e2e-gpu-discover');
  const project = `e2e-gpudisc-${process.pid}`;
  const subnetByte = 55 + (process.pid % 5); // beside the replay stack's 30-54
  let prom = '';
  const ruleNames = async () => {
    const loaded = (await (await fetch(`${prom}/api/v1/rules`)).json()) as { data: { groups: { rules: { name: string }[] }[] } };
    return loaded.data.groups.flatMap((g) => g.rules.map((r) => r.name));
  };

  beforeAll(async () => {
    await buildOnce();
    const ports = await stackPorts();
    prom = `http://127.0.0.1:${ports.prometheus}`;
    expect((await obsctl(dir, ['init', '--name', project, '--gpu', 'gb10'])).code).toBe(0);
    editConfig(dir, (set) => useTestStack(set, subnetByte, ports));
    // A stale discovery (temperature missing) as if the GPU had changed since: rendered without it.
    const stale = { mode: 'gb10', hosts: { [project]: { source: 'discovered', fields: ['DCGM_FI_DEV_GPU_UTIL', 'DCGM_FI_DEV_SM_CLOCK', 'DCGM_FI_DEV_POWER_USAGE'], models: ['NVIDIA GB10'], vgpu: false, mig: false, unifiedMemory: true, constantZero: [] } } };
    fs.mkdirSync(path.join(dir, '.obsctl'), { recursive: true });
    fs.writeFileSync(path.join(dir, '.obsctl', 'gpu-capabilities.json'), JSON.stringify(stale));
  });

  afterAll(async () => {
    await obsctl(dir, ['down', '--volumes', '--yes']);
  });

  it('renders from the stored set, discovers the real one, stores it, re-renders and reloads without restarting', async () => {
    const first = await obsctl(dir, ['up', '--simulate-gpu=gb10', '--json']);
    expect(first.code, first.stderr).toBe(0);
    const summary = first.json() as { gpuDiscovery: { status: string; detail: string }; recreated: string[] };
    expect(summary.gpuDiscovery.status, summary.gpuDiscovery.detail).toBe('applied');
    expect(summary.gpuDiscovery.detail).toMatch(/Prometheus reloaded/);
    const stored = JSON.parse(fs.readFileSync(path.join(dir, '.obsctl', 'gpu-capabilities.json'), 'utf8')) as { mode: string; hosts: Record<string, { fields: string[] }> };
    expect(stored.mode).toBe('gb10');
    expect(stored.hosts[project]?.fields).toContain('DCGM_FI_DEV_GPU_TEMP');
    expect(stored.hosts[project]?.fields).not.toContain('DCGM_FI_DEV_FB_USED');
    expect(await ruleNames()).toContain('GPUTemperatureHigh');
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, '.obsctl', 'stack', 'stack.json'), 'utf8')) as { gpu: { capabilities: Record<string, { source: string }> } };
    expect(manifest.gpu.capabilities[project]?.source).toBe('discovered');
    // Again: nothing discovered differs, nothing re-rendered, nothing recreated.
    const again = await obsctl(dir, ['up', '--simulate-gpu=gb10', '--json']);
    const s2 = again.json() as { gpuDiscovery: { status: string }; recreated: string[]; created: string[] };
    expect(s2.gpuDiscovery.status).toBe('unchanged');
    expect([...s2.recreated, ...s2.created]).toEqual([]);
  }, 300_000);
});
