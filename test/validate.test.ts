// validateStack against the real promtool, amtool and docker compose, on the fixture stacks in
// test/fixtures/validate/: `valid/` and `broken/<variant>/` (files that replace valid's).
import { spawnSync } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateStack, type Check, type ValidationReport } from '../src/validate/index.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'validate');
const VALID = path.join(FIXTURES, 'valid');

function toolMissing(cmd: string, args: string[], ok: (out: string) => boolean = () => true): string | undefined {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return r.status === 0 && ok(r.stdout) ? undefined : `${cmd} ${args.join(' ')}`;
}
const missingTools = [
  toolMissing('promtool', ['--version']),
  toolMissing('amtool', ['--version']),
  toolMissing('docker', ['compose', 'version', '--short'], (out) => /^v?([2-9]|\d\d+)\./.test(out.trim())),
].filter((m): m is string => m !== undefined);
const inCI = process.env.CI === 'true';
// Locally a missing tool skips these tests; in CI it makes them fail.
const skipRealTools = missingTools.length > 0 && !inCI;
if (skipRealTools) {
  console.warn(`validate.test.ts: skipping real-tool tests, not available: ${missingTools.join('; ')}`);
}

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'obsctl-validate-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** valid/ with broken/<variant>/ copied over it, in a temp dir. */
async function brokenStack(variant: string): Promise<string> {
  const dir = path.join(scratch, variant);
  await cp(VALID, dir, { recursive: true });
  await cp(path.join(FIXTURES, 'broken', variant), dir, { recursive: true });
  return dir;
}

const failed = (r: ValidationReport) => r.checks.filter((c) => c.status !== 'pass');
const key = (c: Check) => `${c.name} ${c.file ?? ''}`.trim();
function only(r: ValidationReport, name: string, file: string): Check {
  const c = r.checks.find((x) => x.name === name && x.file === file);
  if (!c) throw new Error(`no check "${name}" for ${file}: ${r.checks.map(key).join(', ')}`);
  return c;
}

describe.skipIf(skipRealTools)('validateStack with the real tools', () => {
  it('has promtool, amtool and docker compose v2 on PATH', () => {
    expect(missingTools, 'tools needed by the validate tests').toEqual([]);
  });

  it('passes every check on the valid fixture', async () => {
    const started = performance.now();
    const report = await validateStack(VALID, { strict: true });
    const ms = performance.now() - started;
    console.log(`validate valid fixture: ${ms.toFixed(0)} ms, ${report.checks.length} checks`);
    expect(failed(report)).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.checks.map(key).sort()).toEqual(
      [
        'amtool check-config alertmanager/alertmanager.yml',
        'compose schema compose.yaml',
        'docker compose config compose.yaml',
        'prometheus rule_files prometheus/prometheus.yml',
        'promql parse grafana/dashboards/gpu-overview.json',
        'promql parse prometheus/rules/gpu-temperature.rules.yml',
        'promtool check config prometheus/prometheus.yml',
        'promtool check rules prometheus/rules/gpu-temperature.rules.yml',
        'promtool test rules prometheus/tests/gpu-temperature.test.yml',
      ].sort(),
    );
  });

  it('bad PromQL in a rule: promtool check rules and promql parse name the file and rule', async () => {
    const report = await validateStack(await brokenStack('bad-rule-promql'), { strict: true });
    const file = 'prometheus/rules/gpu-temperature.rules.yml';
    expect(report.ok).toBe(false);
    // the test file loads the broken rule file, so it fails as well
    expect(failed(report).map(key).sort()).toEqual([
      `promql parse ${file}`,
      `promtool check rules ${file}`,
      'promtool test rules prometheus/tests/gpu-temperature.test.yml',
    ]);
    const rules = only(report, 'promtool check rules', file);
    expect(rules.detail).toContain(file);
    expect(rules.detail).toContain('unclosed left parenthesis');
    const parse = only(report, 'promql parse', file);
    expect(parse.detail).toContain(`${file}: group "gpu-temperature" alert "GpuTemperatureHigh": syntax error at 1:50`);
  });

  it('bad PromQL in a nested dashboard panel: promql parse names file, panel and position', async () => {
    const report = await validateStack(await brokenStack('bad-dashboard-promql'), { strict: true });
    const file = 'grafana/dashboards/gpu-overview.json';
    expect(failed(report).map(key)).toEqual([`promql parse ${file}`]);
    expect(only(report, 'promql parse', file).detail).toContain(
      `${file}: panel "Energy over range" (id 4) target A: syntax error at 1:101 at end of expression`,
    );
  });

  it('invalid compose key: docker compose config and the schema check report the path', async () => {
    const report = await validateStack(await brokenStack('bad-compose-key'), { strict: true });
    expect(failed(report).map(key).sort()).toEqual(['compose schema compose.yaml', 'docker compose config compose.yaml']);
    const compose = only(report, 'docker compose config', 'compose.yaml');
    expect(compose.detail).toMatch(/compose\.yaml: services\.prometheus Additional property restart_policy is not allowed/);
    expect(only(report, 'compose schema', 'compose.yaml').detail).toContain(
      'services.prometheus: key "restart_policy" is not allowed',
    );
  });

  it('broken alertmanager route: amtool check-config names the file and the receiver', async () => {
    const report = await validateStack(await brokenStack('bad-alertmanager-route'), { strict: true });
    const file = 'alertmanager/alertmanager.yml';
    expect(failed(report).map(key)).toEqual([`amtool check-config ${file}`]);
    const detail = only(report, 'amtool check-config', file).detail;
    expect(detail).toContain(`Checking '${file}'  FAILED: undefined receiver "pager" used in route`);
  });

  it('failing rule unit test: promtool test rules shows expected and got alerts', async () => {
    const report = await validateStack(await brokenStack('failing-rule-test'), { strict: true });
    const file = 'prometheus/tests/gpu-temperature.test.yml';
    expect(failed(report).map(key)).toEqual([`promtool test rules ${file}`]);
    const detail = only(report, 'promtool test rules', file).detail;
    expect(detail).toContain(file);
    expect(detail).toContain('alertname: GpuTemperatureHigh, time: 10m');
    expect(detail).toContain('gpu="1"');
  });

  it('rule test listing its rule file by basename fails instead of silently testing nothing', async () => {
    const report = await validateStack(await brokenStack('test-rule-files-basename'), { strict: true });
    const file = 'prometheus/tests/gpu-temperature.test.yml';
    expect(failed(report).map(key)).toEqual([`promtool test rules ${file}`]);
    const check = only(report, 'promtool test rules', file);
    expect(check.detail).toContain('match no file relative to prometheus/tests/: gpu-temperature.rules.yml');
    expect(check.hint).toContain('../rules/<pack>-<name>.rules.yml');
  });

  it('promtool check config accepts *_file paths that exist only in the container', async () => {
    const report = await validateStack(VALID, { strict: true });
    expect(only(report, 'promtool check config', 'prometheus/prometheus.yml').status).toBe('pass');
    const direct = spawnSync('promtool', ['check', 'config', 'prometheus/prometheus.yml'], { cwd: VALID, encoding: 'utf8' });
    // without --syntax-only promtool stats /run/secrets/scrape_token
    expect(direct.status).not.toBe(0);
    expect(direct.stderr).toContain('/run/secrets/scrape_token');
  });
});
