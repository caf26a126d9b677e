// `up --simulate-gpu` renders for what obsctl's own simulator serves from the start, and skips
// discovery (issue 15: discovery waited for DCGM series, re-rendered, validated a second time and
// reloaded Prometheus on every simulated `up`). That is only right if the set computed before the
// simulator runs is the set discovery would find: here the real simulator script
// (templates/dcgm-sim/dcgm-simulator.mjs) is started for each built-in profile, scraped twice (its
// values move), and what it serves, read the way discovery reads it through Prometheus, must be
// the same capabilities.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/app/config.js';
import { discoverAndApply } from '../src/app/gpu-discovery.js';
import { prepareStack } from '../src/app/stack.js';
import { capabilitiesFromExposition, profileCapabilities, simulatorCapabilities } from '../src/render/capabilities.js';
import { parseExposition } from '../src/render/exposition.js';
import { capabilitiesFromSeries, sameCapabilities, storeCapabilities } from '../src/runtime/gpu-discovery.js';
import { templatesDir } from '../src/paths.js';
import { FakeCompose, FakeEngine, fakePorts } from './fakes/docker.js';

const simDir = path.join(templatesDir, 'dcgm-sim');
const recorded = fs.readFileSync(path.join(simDir, 't4-dcgm-exporter.prom'), 'utf8');
const children: ChildProcess[] = [];
const tmp: string[] = [];
afterAll(() => {
  for (const c of children) c.kill();
  for (const d of tmp) fs.rmSync(d, { recursive: true, force: true });
});

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });

async function scrapeSimulator(profile: string): Promise<string[]> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(simDir, 'dcgm-simulator.mjs')], { env: { ...process.env, SIM_PROFILE: profile, SIM_PORT: String(port), SIM_RECORDED: path.join(simDir, 't4-dcgm-exporter.prom') }, stdio: 'ignore' });
  children.push(child);
  const url = `http://127.0.0.1:${port}/metrics`;
  const deadline = Date.now() + 20_000;
  const scrapes: string[] = [];
  while (scrapes.length < 2) {
    try {
      scrapes.push(await (await fetch(url)).text());
      await new Promise((r) => setTimeout(r, 1100));
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  child.kill();
  return scrapes;
}

/** A scrape as Prometheus hands it to discovery: the target's labels added to every series. */
const asSeries = (text: string, host: string) =>
  parseExposition(text).samples.map((s) => ({ metric: { __name__: s.name, ...s.labels, host, job: 'dcgm-exporter', instance: 'dcgm-exporter:9400', simulated: 'true' }, value: [0, String(s.value)] as [number, string] }));

describe("obsctl's simulator: its capabilities are known before it runs", () => {
  for (const profile of ['nvidia', 'gb10'] as const) {
    it(`${profile}: what the running simulator serves is exactly simulatorCapabilities('${profile}')`, async () => {
      const known = simulatorCapabilities(profile, recorded);
      const scrapes = await scrapeSimulator(profile);
      for (const text of scrapes) {
        expect(capabilitiesFromExposition(text, 'recording')).toEqual(known);
        // What discovery would find through Prometheus: "unchanged", nothing to re-render.
        const found = capabilitiesFromSeries(asSeries(text, 'sim'), profileCapabilities(profile).fields);
        expect(sameCapabilities({ sim: known }, found)).toBe(true);
      }
      expect(known.fields.length).toBeGreaterThan(5);
      expect(known.unifiedMemory).toBe(profile === 'gb10');
      if (profile === 'gb10') expect(known.fields.filter((f) => /FB_|MEM_CLOCK/.test(f))).toEqual([]);
      else expect(known.fields).toContain('DCGM_FI_DEV_FB_USED');
    }, 30_000);
  }
});

describe('up --simulate-gpu: rendered for the simulator, nothing to discover', () => {
  async function simulatedStack(yaml: string, simulateGpu: string | true) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'obsctl-simcaps-'));
    tmp.push(dir);
    const file = path.join(dir, 'obsctl.yaml');
    fs.writeFileSync(file, yaml);
    const engine = new FakeEngine();
    const ports = fakePorts(engine, () => new FakeCompose(engine, () => stack.result.manifest));
    const loaded = loadConfig(file, { checkSecrets: false }, ports.readText);
    // A stale discovery in the same mode is what a real GPU would be rendered from: not the simulator.
    storeCapabilities(path.join(dir, '.obsctl'), { mode: simulateGpu === true ? 'nvidia' : simulateGpu, hosts: { sim: { ...profileCapabilities('nvidia'), source: 'discovered', fields: ['DCGM_FI_DEV_GPU_UTIL'] } } });
    const stack = await prepareStack(ports, loaded, { simulateGpu });
    return { ports, loaded, stack };
  }

  it('the manifest holds the simulator set for this host, and discovery is skipped without waiting for Prometheus', async () => {
    for (const [simulateGpu, profile] of [[true, 'nvidia'], ['gb10', 'gb10']] as const) {
      const s = await simulatedStack('name: sim\ngpu: auto\ngrafana: { enabled: false }\n', simulateGpu);
      expect(s.stack.result.manifest.gpu.capabilities.sim).toEqual(simulatorCapabilities(profile, recorded));
      const started = Date.now();
      // Port 1: nothing listens, so a discovery that ran would wait out its 30 s and say not-ready.
      const out = await discoverAndApply(s.ports, s.loaded, { simulateGpu }, s.stack, s.stack.dir, 'http://127.0.0.1:1');
      expect(out).toEqual({ status: 'skipped', detail: "capabilities come from the simulator's recording" });
      expect(Date.now() - started).toBeLessThan(1000);
    }
  }, 60_000);

  it('a real GPU is still discovered: without --simulate-gpu the stored discovery is what renders', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'obsctl-simcaps-'));
    tmp.push(dir);
    const file = path.join(dir, 'obsctl.yaml');
    fs.writeFileSync(file, 'name: real\ngpu: nvidia\ngrafana: { enabled: false }\n');
    const stored = { ...profileCapabilities('nvidia'), source: 'discovered' as const, fields: ['DCGM_FI_DEV_GPU_UTIL', 'DCGM_FI_DEV_SM_CLOCK'] };
    storeCapabilities(path.join(dir, '.obsctl'), { mode: 'real', hosts: { real: stored } });
    const engine = new FakeEngine();
    const ports = fakePorts(engine, () => new FakeCompose(engine, () => stack.result.manifest));
    const loaded = loadConfig(file, { checkSecrets: false }, ports.readText);
    const stack = await prepareStack(ports, loaded, {});
    expect(stack.result.manifest.gpu.capabilities.real).toEqual(stored);
    const out = await discoverAndApply(ports, loaded, {}, stack, stack.dir, 'http://127.0.0.1:1', 0);
    expect(out.status).toBe('not-ready');
  }, 60_000);
});
