// GPU alert thresholds from the GPU's own limits. Where a GPU reports its enforced power limit and
// slowdown/shutdown temperatures, alerts are relative to them (alerts/gpu/limits.rules.yml); the
// absolute obsctl.yaml values apply only where no limit is reported, per GPU (`unless`), and are
// rendered without that clause where no GPU of the stack reports the limit. Both forms run through
// real promtool inside rendered stacks; verify says which form a host uses.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configSchema } from '../src/config/schema.js';
import { loadContent } from '../src/content.js';
import { capabilitiesFromExposition, type GpuCapabilities } from '../src/render/capabilities.js';
import { LIMIT_FIELDS } from '../src/render/dcgm.js';
import { fieldsIn, withoutAbsentExclusion } from '../src/render/gpu-rules.js';
import { render } from '../src/render/index.js';
import { applyWrite, planWrite } from '../src/render/write.js';
import { validateStack } from '../src/validate/index.js';
import { gpuCapabilityChecks } from '../src/verify/checks/metrics.js';
import { expectedFromManifest } from '../src/verify/expected.js';
import { dcgmFixtureDir } from './helpers/shared.js';

const content = loadContent();
const t4 = capabilitiesFromExposition(fs.readFileSync(path.join(dcgmFixtureDir, 't4-dcgm-exporter.prom'), 'utf8'));
const withLimits: GpuCapabilities = { ...t4, source: 'discovered', fields: [...t4.fields, ...LIMIT_FIELDS].sort() };
const tmp: string[] = [];
afterAll(() => tmp.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function renderWith(caps: GpuCapabilities) {
  const config = configSchema.parse({ name: 'limits', gpu: 'nvidia' });
  const r = render(config, { profile: 'nvidia', gpuCapabilities: { limits: caps } }, content);
  const rules = (p: string) => r.files.find((f) => f.path === `prometheus/rules/${p}`)?.content;
  const exprs = (p: string) => (parse(rules(p) ?? 'groups: []') as { groups: { rules: { alert?: string; expr: string }[] }[] }).groups.flatMap((g) => g.rules);
  return { r, rules, exprs };
}

async function promtoolGreen(r: ReturnType<typeof render>): Promise<boolean> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'obsctl-limits-'));
  tmp.push(dir);
  applyWrite(dir, r.files, planWrite(dir, r.files));
  const report = await validateStack(dir, { strict: false });
  const promtool = report.checks.filter((c) => /promtool/.test(c.name));
  if (promtool.every((c) => c.status === 'skip')) {
    console.log(`SKIPPED: promtool not installed (${promtool[0]?.detail ?? 'no check'})`);
    if (process.env.CI === 'true') throw new Error('promtool missing under CI');
    return false;
  }
  expect(report.checks.filter((c) => c.status === 'fail').map((c) => `${c.name}: ${c.detail}`)).toEqual([]);
  return true;
}

describe('a GPU that reports no limits (the real T4 recording)', () => {
  const { r, rules, exprs } = renderWith(t4);

  it('alerts on the obsctl.yaml values, with no clause naming a limit field', () => {
    expect(rules('gpu-limits.rules.yml')).toBeUndefined();
    const power = exprs('gpu-health.rules.yml').filter((x) => x.alert === 'GPUPowerOverLimit');
    expect(power.map((x) => x.expr)).toEqual(['DCGM_FI_DEV_POWER_USAGE > 300']);
    expect(exprs('gpu-health.rules.yml').filter((x) => x.alert === 'GPUTemperatureHigh').map((x) => x.expr)).toEqual(['DCGM_FI_DEV_GPU_TEMP > 83', 'DCGM_FI_DEV_GPU_TEMP > 87']);
    const code = (text: string) => text.split('\n').filter((l) => !l.trim().startsWith('#')).join('\n');
    for (const f of r.files.filter((x) => x.path.startsWith('prometheus/'))) for (const field of LIMIT_FIELDS) expect(code(f.content), f.path).not.toContain(field);
  });

  it('verify says the configured thresholds apply, and why', () => {
    const c = gpuCapabilityChecks(expectedFromManifest(r.manifest)).find((x) => x.name === 'gpu thresholds');
    expect(c?.status).toBe('pass');
    expect(c?.reason).toBe(
      'temperature: warning above 83 °C (obsctl.yaml; no slowdown temperature reported), critical above 87 °C (obsctl.yaml; no shutdown temperature reported); power: above 300 W for 15m (obsctl.yaml; no enforced power limit reported)',
    );
  });

  it('passes real promtool (the absolute-threshold tests run, the limit tests are not rendered)', async () => {
    if (!(await promtoolGreen(r))) return;
    expect(r.files.some((f) => f.path === 'prometheus/tests/gpu-limits.test.yml')).toBe(false);
    expect(r.files.find((f) => f.path === 'prometheus/tests/gpu-health.test.yml')?.content).not.toContain('reporting its own limits');
  }, 60_000);
});

describe('a GPU that reports its enforced power limit and slowdown/shutdown temperatures', () => {
  const { r, rules, exprs } = renderWith(withLimits);

  it('alerts relative to them, and keeps the absolute form only for GPUs without them (per GPU, unless)', () => {
    expect(exprs('gpu-limits.rules.yml').map((x) => x.expr)).toEqual([
      'DCGM_FI_DEV_GPU_TEMP >= (DCGM_FI_DEV_SLOWDOWN_TEMP > 0) - 5',
      'DCGM_FI_DEV_GPU_TEMP >= (DCGM_FI_DEV_SHUTDOWN_TEMP > 0) - 5',
      'DCGM_FI_DEV_POWER_USAGE >= (DCGM_FI_DEV_ENFORCED_POWER_LIMIT > 0) * 0.98',
    ]);
    expect(exprs('gpu-health.rules.yml').find((x) => x.alert === 'GPUPowerOverLimit')?.expr).toBe('DCGM_FI_DEV_POWER_USAGE > 300 unless DCGM_FI_DEV_ENFORCED_POWER_LIMIT > 0');
    expect(rules('gpu-limits.rules.yml')).toContain('threshold: gpu-limit');
  });

  it('verify says the GPU limits apply', () => {
    const c = gpuCapabilityChecks(expectedFromManifest(r.manifest)).find((x) => x.name === 'gpu thresholds');
    expect(c?.reason).toBe("temperature: warning within 5 °C of the GPU's slowdown temperature, critical within 5 °C of its shutdown temperature; power: at 98% of the GPU's enforced power limit for 15m");
  });

  it('passes real promtool: the relative tests and the per-GPU exclusion test both run', async () => {
    if (!(await promtoolGreen(r))) return;
    expect(r.files.find((f) => f.path === 'prometheus/tests/gpu-limits.test.yml')?.content).toContain('at the enforced limit for 15m');
    expect(r.files.find((f) => f.path === 'prometheus/tests/gpu-health.test.yml')?.content).toContain('reporting its own limits');
  }, 60_000);
});

describe('only the power limit reported', () => {
  const caps = { ...withLimits, fields: withLimits.fields.filter((f) => !/_TEMP$/.test(f) || f === 'DCGM_FI_DEV_GPU_TEMP') };
  const { r, exprs } = renderWith(caps);

  it('renders power relative to the limit and temperature on the absolute values; promtool green', async () => {
    expect(exprs('gpu-limits.rules.yml').map((x) => x.alert)).toEqual(['GPUPowerOverLimit']);
    expect(exprs('gpu-health.rules.yml').filter((x) => x.alert === 'GPUTemperatureHigh').map((x) => x.expr)).toEqual(['DCGM_FI_DEV_GPU_TEMP > 83', 'DCGM_FI_DEV_GPU_TEMP > 87']);
    for (const x of [...exprs('gpu-limits.rules.yml'), ...exprs('gpu-health.rules.yml')]) for (const f of fieldsIn(x.expr)) expect(caps.fields).toContain(f);
    await promtoolGreen(r);
  }, 60_000);
});

describe('limits that read 0', () => {
  it('count as not reported (no threshold to compare with)', () => {
    const caps = capabilitiesFromExposition(
      'DCGM_FI_DEV_POWER_USAGE{gpu="0",modelName="NVIDIA A100"} 250\nDCGM_FI_DEV_ENFORCED_POWER_LIMIT{gpu="0",modelName="NVIDIA A100"} 0\nDCGM_FI_DEV_SLOWDOWN_TEMP{gpu="0",modelName="NVIDIA A100"} 90\n',
    );
    expect(caps.fields).toEqual(['DCGM_FI_DEV_POWER_USAGE', 'DCGM_FI_DEV_SLOWDOWN_TEMP']);
    expect(caps.constantZero).toEqual(['DCGM_FI_DEV_ENFORCED_POWER_LIMIT']);
  });

  it('an exclusion is left out only when its field is absent', () => {
    const expr = 'DCGM_FI_DEV_POWER_USAGE > 300 unless DCGM_FI_DEV_ENFORCED_POWER_LIMIT > 0';
    expect(withoutAbsentExclusion(expr, () => false)).toBe('DCGM_FI_DEV_POWER_USAGE > 300');
    expect(withoutAbsentExclusion(expr, () => true)).toBe(expr);
    expect(withoutAbsentExclusion('x unless on (instance) count by (instance) (DCGM_FI_DEV_GPU_UTIL)', () => false)).toBe('x unless on (instance) count by (instance) (DCGM_FI_DEV_GPU_UTIL)');
  });
});
