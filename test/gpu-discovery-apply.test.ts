// After discovery, `up` re-renders the GPU content for what the GPU really reports; the re-rendered
// stack is validated (real promtool/amtool/compose through validateStack) BEFORE it is written and
// Prometheus reloaded. A stack that fails validation is neither written nor reloaded, and the
// previous discovery stays stored. Fake Engine/Compose (test/fakes/docker.ts); the renderer, the
// stack writer and the validator are real.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/app/config.js';
import { applyDiscovered } from '../src/app/gpu-discovery.js';
import { prepareStack } from '../src/app/stack.js';
import { capabilitiesFromExposition } from '../src/render/capabilities.js';
import { capabilitiesStateFile } from '../src/runtime/gpu-discovery.js';
import { validateStack } from '../src/validate/index.js';
import type { ValidationReport } from '../src/validate/types.js';
import { FakeCompose, FakeEngine, fakePorts } from './fakes/docker.js';
import { dcgmFixtureDir } from './helpers/shared.js';

const t4 = { ...capabilitiesFromExposition(fs.readFileSync(path.join(dcgmFixtureDir, 't4-dcgm-exporter.prom'), 'utf8')), source: 'discovered' as const };

async function runningNvidiaStack(validate: (dir: string) => Promise<ValidationReport>, extra = '') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'obsctl-disc-'));
  const file = path.join(dir, 'obsctl.yaml');
  fs.writeFileSync(file, `name: disc\ngpu: nvidia\ngrafana: { enabled: false }\n${extra}`);
  const engine = new FakeEngine();
  const ports = fakePorts(engine, () => new FakeCompose(engine, () => stack.result.manifest), { validate: (d) => validate(d) });
  const loaded = loadConfig(file, { checkSecrets: false }, ports.readText);
  const stack = await prepareStack(ports, loaded, {});
  ports.stackFiles.apply(stack.dir, stack.result.files, ports.stackFiles.plan(stack.dir, stack.result.files));
  const rules = (name: string) => path.join(stack.dir, 'prometheus', 'rules', name);
  return { dir, ports, loaded, stack, rules };
}

describe('re-rendering after discovery', () => {
  it('validates the re-rendered stack (real promtool), then writes it and reloads Prometheus', async () => {
    const seen: string[][] = [];
    const s = await runningNvidiaStack(async (d) => {
      seen.push(fs.readdirSync(path.join(d, 'prometheus', 'rules')).sort());
      return validateStack(d, { strict: false });
    });
    // Rendered from the nvidia profile's counters: the limit rules are there.
    expect(fs.existsSync(s.rules('gpu-limits.rules.yml'))).toBe(true);
    const out = await applyDiscovered(s.ports, s.loaded, {}, s.stack, s.stack.dir, 'http://127.0.0.1:1', { disc: t4 }, 'real');
    expect(out.status, out.detail).toBe('applied');
    expect(out.detail).toMatch(/validated, GPU content re-rendered for it, Prometheus reloaded/);
    // What was validated is the re-rendered stack (the T4 reports no limits: no limit rules).
    expect(seen).toHaveLength(1);
    expect(seen[0]).not.toContain('gpu-limits.rules.yml');
    expect(seen[0]).toContain('gpu-health.rules.yml');
    expect(s.ports.reloads).toEqual(['http://127.0.0.1:1']);
    expect(fs.existsSync(s.rules('gpu-limits.rules.yml'))).toBe(false);
    expect(fs.readFileSync(s.rules('gpu-health.rules.yml'), 'utf8')).toContain('expr: DCGM_FI_DEV_POWER_USAGE > 300\n');
  }, 120_000);

  it('HA central: replica b mounts the same rules, so it is reloaded too, at its own port', async () => {
    const s = await runningNvidiaStack(async () => ({ ok: true, checks: [], tools: [], warnings: [] }), 'fleet:\n  central:\n    replicas: 2\n');
    const out = await applyDiscovered(s.ports, s.loaded, {}, s.stack, s.stack.dir, 'http://127.0.0.1:1', { disc: t4 }, 'real');
    expect(out.status, out.detail).toBe('applied');
    expect(out.detail).toMatch(/Prometheus reloaded \(both replicas\)/);
    expect(s.ports.reloads).toEqual(['http://127.0.0.1:1', 'http://127.0.0.1:9190']);
  }, 60_000);

  it('a re-rendered stack that fails validation is not written, not reloaded, and not stored', async () => {
    const s = await runningNvidiaStack(async () => ({ ok: false, checks: [{ name: 'promtool test rules', status: 'fail', detail: 'FAILED: (recorded failure)' }], tools: [], warnings: [] }));
    const before = fs.readFileSync(s.rules('gpu-health.rules.yml'), 'utf8');
    const out = await applyDiscovered(s.ports, s.loaded, {}, s.stack, s.stack.dir, 'http://127.0.0.1:1', { disc: t4 }, 'real');
    expect(out.status).toBe('rejected');
    expect(out.detail).toMatch(/failed validation \(promtool test rules: FAILED: \(recorded failure\)\), so the running stack was left as it was/);
    expect(s.ports.reloads).toEqual([]);
    expect(fs.readFileSync(s.rules('gpu-health.rules.yml'), 'utf8')).toBe(before);
    expect(fs.existsSync(s.rules('gpu-limits.rules.yml'))).toBe(true);
    expect(fs.existsSync(capabilitiesStateFile(path.join(s.dir, '.obsctl')))).toBe(false);
  }, 60_000);
});
