// The GB10 unified-memory alert in a fleet (src/render/unified-memory-rules.ts). A mixed fleet's
// content profile is nvidia, so its central had the framebuffer memory alert only: the GB10 hosts
// had none. Now each GPU kind present gets its memory alert, the unified one scoped to the hosts
// with unified memory (it reads node-exporter's memory, which every host has), and the real
// promtool proves the scoping: the rendered tests pass, and the same tests fail against the
// unscoped rule because the NVIDIA host's full RAM fires it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { configSchema, type ConfigInput } from '../src/config/schema.js';
import { loadContent } from '../src/content.js';
import { render } from '../src/render/index.js';
import type { GpuProfile } from '../src/render/profile.js';
import { missingTools, requireToolsInCi } from './helpers/tools.js';

const content = loadContent();
const tmp: string[] = [];
afterAll(() => tmp.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const mixed: ConfigInput = {
  name: 'lab',
  hosts: [
    { name: 'central-1', role: 'central', address: '10.0.0.10' },
    { name: 'spark-a', address: '10.0.0.11', gpu: 'gb10' },
    { name: 'spark-b', address: '10.0.0.12', gpu: 'gb10' },
    { name: 'h100-1', address: '10.0.0.20', gpu: 'nvidia' },
  ],
};
const renderFor = (input: ConfigInput, host?: string, profile: GpuProfile = 'none') => {
  const r = render(configSchema.parse(input), { profile, ...(host ? { host } : {}) }, content);
  return { r, file: (p: string) => r.files.find((f) => f.path === p)?.content };
};
const UNIFIED = 'prometheus/rules/gpu-memory.gb10.rules.yml';
const FRAMEBUFFER = 'prometheus/rules/gpu-memory.nvidia.rules.yml';

describe('the GB10 unified-memory alert in a fleet', () => {
  it('a mixed fleet: both memory alerts on central, the unified one scoped to the GB10 hosts', () => {
    const { r, file } = renderFor(mixed, 'central-1');
    expect(r.manifest.gpu.contentProfile).toBe('nvidia');
    expect(file(FRAMEBUFFER)).toContain('DCGM_FI_DEV_FB_USED / (DCGM_FI_DEV_FB_USED + DCGM_FI_DEV_FB_FREE)');
    expect(file(UNIFIED)).toContain('1 - node_memory_MemAvailable_bytes{host=~"spark-a|spark-b"} / node_memory_MemTotal_bytes{host=~"spark-a|spark-b"}\n');
    expect(file('prometheus/tests/gpu-memory.gb10.test.yml')).toContain('host="h100-1"');
    expect(r.manifest.ruleGroups.filter((g) => g.name === 'obsctl-gpu-memory').map((g) => g.file)).toEqual(['gpu-memory.gb10.rules.yml', 'gpu-memory.nvidia.rules.yml']);
  });

  it("a GB10-only fleet: scoped as well (central's own RAM is no GPU's memory); one GB10 host alone: as before", () => {
    const gb10Fleet = { ...mixed, hosts: mixed.hosts!.filter((h) => h.name !== 'h100-1') };
    const fleet = renderFor(gb10Fleet, 'central-1');
    expect(fleet.r.manifest.gpu.contentProfile).toBe('gb10');
    expect(fleet.file(FRAMEBUFFER)).toBeUndefined();
    expect(fleet.file(UNIFIED)).toContain('node_memory_MemTotal_bytes{host=~"spark-a|spark-b"}');
    expect(fleet.file('prometheus/tests/gpu-memory.gb10.test.yml')).toContain('host="central-1"');
    const single = renderFor({ name: 'spark', gpu: 'gb10' }, undefined, 'gb10');
    const pack = fs.readFileSync(path.join(import.meta.dirname, '..', 'alerts', 'gpu', 'memory.gb10.rules.yml'), 'utf8');
    expect(single.file(UNIFIED)).toBe(pack.replaceAll('<<gpu.memory_used_ratio*100>>', '95').replaceAll('<<gpu.memory_used_ratio>>', '0.95'));
  });

  it('no GB10 in the fleet, or the gpu pack off: no unified-memory alert', () => {
    const nvidiaOnly = renderFor({ ...mixed, hosts: mixed.hosts!.filter((h) => !h.name.startsWith('spark')) }, 'central-1');
    expect(nvidiaOnly.file(UNIFIED)).toBeUndefined();
    const off = renderFor({ ...mixed, alerts: { gpu: { enabled: false } } }, 'central-1');
    expect(off.file(UNIFIED)).toBeUndefined();
  });

  it('real promtool: the rendered tests pass, and fail against the unscoped rule (the NVIDIA host fires it)', async () => {
    const missing = await missingTools(['promtool']);
    requireToolsInCi(missing);
    if (missing.length) {
      console.log('SKIPPED: promtool not installed; the scoped unified-memory tests were not run');
      return;
    }
    const { r } = renderFor(mixed, 'central-1');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'obsctl-unified-'));
    tmp.push(dir);
    for (const f of r.files.filter((x) => x.path.startsWith('prometheus/'))) {
      fs.mkdirSync(path.dirname(path.join(dir, f.path)), { recursive: true });
      fs.writeFileSync(path.join(dir, f.path), f.content);
    }
    const test = (name: string) => execa('promtool', ['test', 'rules', name], { cwd: path.join(dir, 'prometheus', 'tests'), reject: false, all: true });
    for (const name of ['gpu-memory.gb10.test.yml', 'gpu-memory.nvidia.test.yml']) {
      const ok = await test(name);
      expect(ok.exitCode, ok.all).toBe(0);
    }
    // The rule as a single GB10 host has it (unscoped): the same tests must catch the misfire.
    const unscoped = renderFor({ name: 'spark', gpu: 'gb10' }, undefined, 'gb10').file(UNIFIED)!;
    fs.writeFileSync(path.join(dir, UNIFIED), unscoped);
    const bad = await test('gpu-memory.gb10.test.yml');
    expect(bad.exitCode).not.toBe(0);
    expect(bad.all).toContain('host="h100-1"');
  }, 60_000);
});
