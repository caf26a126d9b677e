// Issue 11 end to end: every recording (the shared real T4, test/fixtures/dcgm/*.prom) replayed by
// `up --simulate-gpu=FILE` on one real stack (real engine, Prometheus, Alertmanager, node-exporter;
// the simulator in the local Node image), then `verify`: 0 failing checks, 0 dashboard panels
// without data, and a capability warning for each thing that GPU does not report. Switching the
// recording re-renders the GPU content (rules reloaded, simulator restarted) on the same stack.
// Then discovery, live, on a real (not simulated) GPU exporter: see the second describe.
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIntervalSupported } from '../../src/render/compose.js';
import { DockerodeEngine } from '../../src/runtime/engine.js';
import { dcgmFixtureDir } from '../helpers/shared.js';
import { buildOnce, dockerUnavailable, editConfig, freePort, obsctl, promQuery, repoRoot, skipOrFail, stackPorts, tempProject, testImages, useTestStack } from './harness.js';

const reason = await dockerUnavailable();
if (reason) skipOrFail(reason);

interface Check {
  group: string;
  name: string;
  status: string;
  reason: string;
}

const localDir = path.join(repoRoot, 'test', 'fixtures', 'dcgm');
const t4 = path.join(dcgmFixtureDir, 't4-dcgm-exporter.prom');
const recordings = [
  t4,
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

  // obsctl's own simulator: rendered for what it serves from the start, so nothing is discovered,
  // and every GPU panel has data (a field rendered for but not served would leave one empty).
  it.each(['gb10', 'nvidia'])('--simulate-gpu=%s: no discovery, 0 failing checks, 0 empty panels', async (profile) => {
    const up = await obsctl(dir, ['up', `--simulate-gpu=${profile}`, '--json']);
    expect(up.code, `${up.stdout}\n${up.stderr}`).toBe(0);
    expect((up.json() as { gpuDiscovery: { status: string; detail: string } }).gpuDiscovery).toEqual({ status: 'skipped', detail: "capabilities come from the simulator's recording" });
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, '.obsctl', 'stack', 'stack.json'), 'utf8')) as { gpu: { capabilities: Record<string, { source: string; unifiedMemory: boolean }> } };
    expect(manifest.gpu.capabilities[project]).toMatchObject({ source: 'recording', unifiedMemory: profile === 'gb10' });
    const v = await obsctl(dir, ['verify', '--wait', '120s', '--json']);
    const body = v.json() as { checks: Check[] };
    expect(body.checks.filter((c) => c.status === 'fail').map((c) => `${c.name}: ${c.reason}`), v.stdout).toEqual([]);
    const dashboards = body.checks.filter((c) => c.group === 'dashboards' && c.name !== 'dashboard obsctl / App');
    expect(dashboards.length).toBeGreaterThan(0);
    // What `up` reads from the list call alone (health from its status text) is what inspect says.
    const engine = new DockerodeEngine();
    const brief = await engine.projectContainers(project, { inspect: false });
    const full = await engine.projectContainers(project);
    expect(brief.map((c) => [c.service, c.state, c.health])).toEqual(full.map((c) => [c.service, c.state, c.health]));
    expect(brief.filter((c) => c.health === 'healthy').length).toBeGreaterThan(2);
    // `up` rendered for the engine it talked to: start_interval only where the engine takes it.
    await engine.ping();
    expect(engine.apiVersion).toMatch(/^\d+\.\d+$/);
    const compose = fs.readFileSync(path.join(dir, '.obsctl', 'stack', 'compose.yaml'), 'utf8');
    expect(compose.includes('start_interval: 1s'), `Engine API ${engine.apiVersion}`).toBe(startIntervalSupported(engine.apiVersion));
    for (const d of dashboards) expect(d.status, `${d.name}: ${d.reason}`).toBe('pass');
  }, 300_000);
});

// Discovery is for a real GPU exporter (a simulated or replayed one is known before it starts, so
// `up --simulate-gpu` renders for it and discovers nothing). Here a fleet's central stack, without
// --simulate-gpu, scrapes a GPU node whose exporter serves the shared real T4 recording verbatim
// from a plain HTTP server: no obsctl simulator, nothing obsctl knew before it scraped it. (Not the
// obsctl-test/dcgm-fixture image: its busybox httpd sends no Content-Type, which Prometheus 3
// refuses without fallback_scrape_protocol; dcgm-exporter sends text/plain.)
describe.skipIf(Boolean(reason))('up discovers what a real GPU exporter reports and re-renders in place', () => {
  const dir = tempProject('e2e-gpu-discover');
  const stack = `e2e-gpudisc-${process.pid % 10000}`;
  const base = 10 + (process.pid % 100) * 2; // subnets 172.27.<base..base+1>.0/24 (no other e2e file uses 172.27)
  const gpuNet = { name: `${stack}-gpu1`, subnet: `172.27.${base + 1}` };
  let prom = '';
  const ruleNames = async () => {
    const loaded = (await (await fetch(`${prom}/api/v1/rules`)).json()) as { data: { groups: { rules: { name: string }[] }[] } };
    return loaded.data.groups.flatMap((g) => g.rules.map((r) => r.name));
  };

  beforeAll(async () => {
    await buildOnce();
    const ports = await stackPorts();
    const dcgmPort = await freePort();
    prom = `http://127.0.0.1:${ports.prometheus}`;
    // The GPU node's exporter on its own network, published on that network's gateway address (as
    // a node stack publishes it), where central's Prometheus scrapes it through file_sd.
    await execa('docker', ['network', 'create', '--subnet', `${gpuNet.subnet}.0/24`, '--label', `com.docker.compose.project=${gpuNet.name}`, gpuNet.name]);
    const serve = "const fs = require('fs'); require('http').createServer((q, r) => { r.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }); r.end(fs.readFileSync('/metrics.prom')); }).listen(9400);";
    await execa('docker', ['run', '-d', '--name', gpuNet.name, '--network', gpuNet.name, '--label', `com.docker.compose.project=${gpuNet.name}`, '-p', `${gpuNet.subnet}.1:${dcgmPort}:9400`, '-v', `${t4}:/metrics.prom:ro`, testImages['dcgm-simulator'], 'node', '-e', serve]);
    expect((await obsctl(dir, ['init', '--name', stack, '--gpu', 'none'])).code).toBe(0);
    editConfig(dir, (set) => {
      set(['ports'], { prometheus: ports.prometheus, alertmanager: ports.alertmanager, grafana: 3000 });
      set(['images'], { ...testImages, pull_policy: 'never' });
      set(['grafana'], { enabled: false });
      set(['prometheus', 'scrape_interval'], '2s');
      set(['prometheus', 'evaluation_interval'], '2s');
      set(['prometheus', 'retention_size'], '1GB');
      set(['verify'], { webhook_port: ports.webhook });
      set(['fleet'], { mode: 'pull' }); // central scrapes the node's exporter (init writes agent mode)
      set(['hosts'], [
        { name: 'central-1', role: 'central', address: `172.27.${base}.1`, network_subnet: `172.27.${base}.0/24`, ports: { node_exporter: ports.node } },
        { name: 'gpu-1', role: 'node', gpu: 'nvidia', address: `${gpuNet.subnet}.1`, network_subnet: `${gpuNet.subnet}.0/24`, ports: { node_exporter: ports.app, dcgm_exporter: dcgmPort } },
      ]);
    });
    // A stale discovery (temperature missing) as if the GPU had changed since: rendered without it.
    const stale = { mode: 'real', hosts: { 'gpu-1': { source: 'discovered', fields: ['DCGM_FI_DEV_GPU_UTIL', 'DCGM_FI_DEV_SM_CLOCK', 'DCGM_FI_DEV_POWER_USAGE'], models: ['Tesla T4'], vgpu: false, mig: false, unifiedMemory: false, constantZero: [] } } };
    fs.mkdirSync(path.join(dir, '.obsctl'), { recursive: true });
    fs.writeFileSync(path.join(dir, '.obsctl', 'gpu-capabilities.json'), JSON.stringify(stale));
  });

  afterAll(async () => {
    await obsctl(dir, ['down', '--host', 'central-1', '--volumes', '--yes']);
    await execa('docker', ['rm', '-f', gpuNet.name], { reject: false });
    await execa('docker', ['network', 'rm', gpuNet.name], { reject: false });
  });

  it('renders from the stored set, discovers the real one, stores it, re-renders and reloads without restarting', async () => {
    const first = await obsctl(dir, ['up', '--host', 'central-1', '--json']);
    expect(first.code, `${first.stdout}\n${first.stderr}`).toBe(0);
    const summary = first.json() as { gpuDiscovery: { status: string; detail: string }; recreated: string[] };
    expect(summary.gpuDiscovery.status, summary.gpuDiscovery.detail).toBe('applied');
    expect(summary.gpuDiscovery.detail).toMatch(/gpu-1: \d+ fields; validated, GPU content re-rendered for it, Prometheus reloaded/);
    const stored = JSON.parse(fs.readFileSync(path.join(dir, '.obsctl', 'gpu-capabilities.json'), 'utf8')) as { mode: string; hosts: Record<string, { fields: string[] }> };
    expect(stored.mode).toBe('real');
    expect(stored.hosts['gpu-1']?.fields).toContain('DCGM_FI_DEV_GPU_TEMP');
    expect(stored.hosts['gpu-1']?.fields).toContain('DCGM_FI_DEV_FB_USED');
    expect(await ruleNames()).toContain('GPUTemperatureHigh');
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, '.obsctl', 'stack', 'stack.json'), 'utf8')) as { gpu: { capabilities: Record<string, { source: string; models: string[] }> } };
    expect(manifest.gpu.capabilities['gpu-1']).toMatchObject({ source: 'discovered', models: ['Tesla T4'] });
    // Again: nothing discovered differs, nothing re-rendered, nothing recreated.
    const again = await obsctl(dir, ['up', '--host', 'central-1', '--json']);
    expect(again.code, `${again.stdout}\n${again.stderr}`).toBe(0);
    const s2 = again.json() as { gpuDiscovery: { status: string }; recreated: string[]; created: string[] };
    expect(s2.gpuDiscovery.status).toBe('unchanged');
    expect([...s2.recreated, ...s2.created]).toEqual([]);
  }, 300_000);
});
