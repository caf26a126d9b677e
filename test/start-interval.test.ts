// Healthcheck start_interval (issue 15): probed every second while a container starts, so
// `up --wait` returns when the service is ready instead of after the first 5 s interval. Engine 25
// (API 1.44) and newer only: Compose refuses a stack with it on an older engine (this machine's
// 20.10: "can't set healthcheck.start_interval as feature require Docker Engine v25 or later"), so
// it is rendered only when the engine `up` connected to says it speaks API 1.44.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../src/app/config.js';
import { applyDiscovered } from '../src/app/gpu-discovery.js';
import { prepareStack } from '../src/app/stack.js';
import { configSchema } from '../src/config/schema.js';
import { loadContent } from '../src/content.js';
import { capabilitiesFromExposition } from '../src/render/capabilities.js';
import { startIntervalSupported } from '../src/render/compose.js';
import { render } from '../src/render/index.js';
import { composeSchemaViolations } from '../src/validate/index.js';
import { FakeCompose, FakeEngine, fakePorts } from './fakes/docker.js';
import { dcgmFixtureDir } from './helpers/shared.js';
import { missingTools, requireToolsInCi } from './helpers/tools.js';

const tmp: string[] = [];
afterAll(() => tmp.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
const tempDir = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'obsctl-start-interval-'));
  tmp.push(d);
  return d;
};

type Compose = { services: Record<string, { healthcheck?: Record<string, unknown> }> };
const composeOf = (files: { path: string; content: string }[]) => parse(files.find((f) => f.path === 'compose.yaml')!.content) as Compose;

describe('which engines get start_interval', () => {
  it.each([
    ['1.41', false], // Engine 20.10, this machine
    ['1.43', false], // Engine 24
    ['1.44', true], // Engine 25
    ['1.47', true],
    ['2.0', true],
    [undefined, false], // no engine asked (`obsctl render`)
  ])('API %s: %s', (api, supported) => {
    expect(startIntervalSupported(api)).toBe(supported);
  });
});

describe('rendered healthchecks', () => {
  const config = configSchema.parse({ name: 'si', gpu: 'nvidia', exporters: { cadvisor: { enabled: true } } });
  const content = loadContent();

  it('with it: every healthcheck probes every second while starting, 5 s after; without it: the key is absent', () => {
    const withIt = composeOf(render(config, { profile: 'nvidia', simulateGpu: true, healthcheckStartInterval: true }, content).files);
    const checks = Object.entries(withIt.services).filter(([, s]) => s.healthcheck);
    expect(checks.length).toBeGreaterThanOrEqual(5);
    for (const [name, s] of checks) expect([name, s.healthcheck!.start_interval, s.healthcheck!.interval]).toEqual([name, '1s', '5s']);
    const without = render(config, { profile: 'nvidia', simulateGpu: true }, content).files.find((f) => f.path === 'compose.yaml')!.content;
    expect(without).not.toContain('start_interval');
  });

  it('the stack with it passes the Compose schema and the real `docker compose config -q`', async () => {
    const files = render(config, { profile: 'nvidia', simulateGpu: true, healthcheckStartInterval: true }, content).files;
    expect(composeSchemaViolations(composeOf(files))).toEqual([]);
    const missing = await missingTools(['docker compose']);
    requireToolsInCi(missing);
    if (missing.length) return console.warn(`SKIPPED docker compose config: ${missing.join(', ')} missing`);
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'compose.yaml'), files.find((f) => f.path === 'compose.yaml')!.content);
    const r = await execa('docker', ['compose', '-f', 'compose.yaml', 'config', '-q'], { cwd: dir, reject: false, env: { OBSCTL_GRAFANA_ADMIN_PASSWORD: 'x' } });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
  });
});

describe('up renders for the engine it talks to', () => {
  async function prepared(engineApiVersion?: string) {
    const dir = tempDir();
    const file = path.join(dir, 'obsctl.yaml');
    fs.writeFileSync(file, 'name: si\ngpu: nvidia\ngrafana: { enabled: false }\n');
    const engine = new FakeEngine();
    const ports = fakePorts(engine, () => new FakeCompose(engine, () => stack.result.manifest));
    const loaded = loadConfig(file, { checkSecrets: false }, ports.readText);
    const stack = await prepareStack(ports, loaded, engineApiVersion ? { engineApiVersion } : {});
    return { dir, ports, loaded, stack, compose: () => fs.readFileSync(path.join(stack.dir, 'compose.yaml'), 'utf8') };
  }

  it('Engine 25 (API 1.44): start_interval; Engine 20.10 (API 1.41) or none known: not', async () => {
    const text = async (api?: string) => (await prepared(api)).stack.result.files.find((f) => f.path === 'compose.yaml')!.content;
    expect(await text('1.44')).toContain('start_interval: 1s');
    expect(await text('1.41')).not.toContain('start_interval');
    expect(await text()).not.toContain('start_interval');
  });

  it('the re-render after GPU discovery keeps it (compose.yaml untouched)', async () => {
    const s = await prepared('1.44');
    s.ports.stackFiles.apply(s.stack.dir, s.stack.result.files, s.ports.stackFiles.plan(s.stack.dir, s.stack.result.files));
    const before = s.compose();
    const t4 = { ...capabilitiesFromExposition(fs.readFileSync(path.join(dcgmFixtureDir, 't4-dcgm-exporter.prom'), 'utf8')), source: 'discovered' as const };
    const out = await applyDiscovered(s.ports, s.loaded, {}, s.stack, s.stack.dir, 'http://127.0.0.1:1', { si: t4 }, 'real');
    expect(out.status, out.detail).toBe('applied');
    expect(s.compose()).toBe(before);
    expect(before).toContain('start_interval: 1s');
  }, 60_000);
});
