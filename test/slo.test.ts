// SLOs as code: what obsctl.yaml refuses (at the line, exit 2), the generated promtool tests for
// every kind of SLI run by the real promtool (and failing when a rule is wrong), anomaly rules,
// the SLO dashboard, and `obsctl gate`'s usage and "cannot tell" answers.
import { execa } from 'execa';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../src/config/load.js';
import { renderSloFiles, sloPanels } from '../src/slo/render.js';
import { buildDashboards } from '../dashboards/index.js';
import { dashboardExpressions } from '../src/validate/promql-exprs.js';
import { promqlSyntaxErrors } from '../src/validate/promql-parse.js';
import { runCli } from './helpers/cli.js';
import { missingTools, requireToolsInCi } from './helpers/tools.js';

const base = `name: slo-test
gpu: none
targets:
  - name: api
    urls: [localhost:8000]
exporters:
  blackbox:
    probes:
      - name: homepage
        urls: [https://example.com]
`;
const load = (text: string) => parseConfigText(text);

describe('slos: in obsctl.yaml refuses what cannot work', () => {
  const cases: Array<[string, string, string, number, RegExp]> = [
    ['an objective whose fastest page cannot fire', 'slos:\n  - name: a\n    target: api\n    objective: 90\n', 'slo_cannot_page', 14, /objective 90 % leaves a 10 % error budget: the fast page fires at 14.4x that \(144 % errors\)/],
    ['a period longer than retention', 'prometheus:\n  retention_time: 15d\nslos:\n  - name: a\n    target: api\n    objective: 99.9\n    period: 30d\n', 'slo_period_retention', 17, /period 30d is longer than prometheus.retention_time 15d/],
    ['a period outside 7d..90d', 'slos:\n  - name: a\n    target: api\n    objective: 99.9\n    period: 1d\n', 'slo_period_range', 15, /outside 7d..90d/],
    ['a latency threshold that is not a bucket', 'slos:\n  - name: a\n    target: api\n    objective: 99\n    sli: {latency: {threshold: 2s}}\n', 'slo_threshold_not_bucket', 15, /2s is not a bucket bound of http_request_duration_seconds/],
    ['an unknown target', 'slos:\n  - name: a\n    target: nope\n    objective: 99\n', 'unknown_slo_target', 13, /target "nope" is not a job in targets or a blackbox probe/],
    ['a custom selector that is not one', 'slos:\n  - name: a\n    target: api\n    objective: 99\n    sli: {errors: \'rate(x[5m])\', total: \'x{\'}\n', 'slo_selector', 15, /errors: must be a series selector/],
  ];
  it.each(cases)('%s', (_what, yaml, code, line, message) => {
    const r = load(base + yaml);
    expect(r.config).toBeUndefined();
    const issue = r.errors.find((e) => e.code === code);
    expect(issue, JSON.stringify(r.errors)).toBeDefined();
    expect(issue!.message).toMatch(message);
    expect(issue!.line).toBe(line);
  });

  it('names the buckets that exist', () => {
    const r = load(`${base}slos:\n  - name: a\n    target: api\n    objective: 99\n    sli: {latency: {threshold: 2s}}\n`);
    expect(r.errors[0]!.hint).toBe('Buckets: 5ms, 10ms, 25ms, 50ms, 100ms, 250ms, 500ms, 1s, 2.5s, 5s, 10s, 30s, 60s, 120s.');
  });

  it('accepts the issue\'s example with a real bucket, a probe and a custom SLI', () => {
    const r = load(`${base}slos:
  - {name: api-availability, target: api, objective: 99.5, period: 30d, sli: availability}
  - {name: api-latency, target: api, objective: 99, period: 30d, sli: {latency: {threshold: 2500ms}}}
  - {name: homepage, target: homepage, objective: 99.9, period: 7d}
  - {name: api-custom, target: api, objective: 99, sli: {errors: 'http_requests_total{job="api",status=~"5.."}', total: 'http_requests_total{job="api"}'}}
`);
    expect(r.errors).toEqual([]);
    expect(r.config!.slos).toHaveLength(4);
  });

  it('obsctl validate exits 2 and shows the line', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'obsctl-slo-'));
    fs.writeFileSync(path.join(dir, 'obsctl.yaml'), `${base}slos:\n  - name: a\n    target: api\n    objective: 99\n    sli: {latency: {threshold: 2s}}\n`);
    const r = await runCli(['validate', '-c', path.join(dir, 'obsctl.yaml')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/obsctl\.yaml:15:\d+ error at slos\[0\]\.sli\.latency\.threshold: 2s is not a bucket bound/);
    expect(r.stderr).toContain('hint: Buckets: 5ms,');
  });
});

const toolsMissing = await missingTools(['promtool']);
if (toolsMissing.length) {
  requireToolsInCi(toolsMissing);
  console.warn('SKIPPED (slo promtool tests): promtool missing');
}

function renderTo(yaml: string): string {
  const r = load(base + yaml);
  if (!r.config) throw new Error(JSON.stringify(r.errors));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'obsctl-slo-'));
  for (const [p, text] of renderSloFiles(r.config)) {
    fs.mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
    fs.writeFileSync(path.join(dir, p), text);
  }
  return path.join(dir, 'prometheus');
}

const promtoolTest = (dir: string, file: string) => execa('promtool', ['test', 'rules', file], { cwd: dir, reject: false });

describe.skipIf(toolsMissing.length > 0)('generated promtool tests, real promtool', () => {
  it.each([
    ['a blackbox probe, 7d', '{name: homepage-up, target: homepage, objective: 99.9, period: 7d}'],
    ['a custom SLI, 90d', `{name: api-custom, target: api, objective: 95, period: 90d, sli: {errors: 'http_requests_total{job="api",status=~"5.."}', total: 'http_requests_total{job="api"}'}}`],
    ['a latency SLI on an integer bucket (le "1" or "1.0")', '{name: api-fast, target: api, objective: 99, period: 30d, sli: {latency: {threshold: 1s}}}'],
  ])('%s: every alert fires at its burn, is silent just below', async (_what, slo) => {
    const dir = renderTo(`prometheus:\n  retention_time: 90d\nslos:\n  - ${slo}\n`);
    const name = /name: ([\w-]+)/.exec(slo)![1]!;
    const test = fs.readFileSync(path.join(dir, 'tests', `slo-${name}.test.yml`), 'utf8');
    for (const w of ['fires at 14.4x', 'silent just below 14.4x', 'fires at 6x', 'fires at 3x', 'fires at 1x', 'silent just below 1x']) expect(test).toContain(w);
    const r = await promtoolTest(dir, `tests/slo-${name}.test.yml`);
    expect(r.exitCode, String(r.stdout) + String(r.stderr)).toBe(0);
  }, 120_000);

  it('the generated tests catch a wrong factor in the rules', async () => {
    const dir = renderTo('slos:\n  - {name: api-availability, target: api, objective: 99.5}\n');
    const file = path.join(dir, 'rules', 'slo-api-availability.rules.yml');
    // 14.4 -> 20: a slower page than the workbook's. "fires at 14.4x" must now fail.
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replaceAll('(14.4 * 0.005)', '(20 * 0.005)'));
    const r = await promtoolTest(dir, 'tests/slo-api-availability.test.yml');
    expect(r.exitCode).toBe(1);
    expect(String(r.stdout) + String(r.stderr)).toContain('window="1h/5m"');
  }, 120_000);

  it('anomalies: a step change fires, a daily cycle does not (request rate and a GPU metric)', async () => {
    const dir = renderTo('anomalies:\n  - {name: api-traffic, target: api}\n  - {name: gpu-util, gpu_metric: DCGM_FI_DEV_GPU_UTIL, z: 3, for: 15m}\n');
    const test = fs.readFileSync(path.join(dir, 'tests', 'anomalies.test.yml'), 'utf8');
    expect(test).toContain('a step change fires after 15m');
    expect(test).toContain('a daily cycle never fires');
    const r = await promtoolTest(dir, 'tests/anomalies.test.yml');
    expect(r.exitCode, String(r.stdout) + String(r.stderr)).toBe(0);
  }, 120_000);
});

describe('SLO dashboard', () => {
  const r = load(`${base}slos:\n  - {name: api-availability, target: api, objective: 99.5}\n  - {name: homepage-up, target: homepage, objective: 99.9, period: 7d}\n`);
  const dashboards = buildDashboards({ profile: 'none', datasourceUid: 'obsctl-prometheus', slos: sloPanels(r.config!) });
  const slo = dashboards.find((d) => d.uid === 'obsctl-slo')!;

  it('is built only with SLOs and linked from the Overview', () => {
    expect(slo.title).toBe('obsctl / SLOs');
    const overview = dashboards.find((d) => d.uid === 'obsctl-overview')!;
    expect(overview.json.links).toEqual([expect.objectContaining({ title: 'SLOs', url: '/d/obsctl-slo', type: 'link' })]);
    const none = buildDashboards({ profile: 'none', datasourceUid: 'obsctl-prometheus' });
    expect(none.map((d) => d.uid)).not.toContain('obsctl-slo');
    expect(none.find((d) => d.uid === 'obsctl-overview')!.json.links ?? []).toEqual([]);
  });

  it('every query parses and reads only series the SLO rules record', () => {
    const rules = [...renderSloFiles(r.config!).values()].join('\n');
    const exprs = dashboardExpressions(slo.json);
    expect(exprs.length).toBeGreaterThan(10);
    for (const { where, expr } of exprs) {
      expect(promqlSyntaxErrors(expr), `${where}: ${expr}`).toEqual([]);
      for (const name of expr.match(/slo:[a-z_]+:[a-z_0-9]+/g) ?? []) expect(rules, `${where} reads ${name}`).toContain(`record: ${name}`);
    }
    const text = JSON.stringify(slo.json);
    for (const want of ['Objective', 'SLI now (5m)', 'Error budget left (30d)', 'Burn rate per window', 'Alerts firing', 'SLI now (1m10s)']) expect(text).toContain(want);
  });
});

describe('anomaly annotations', () => {
  it('App and GPU dashboards show AnomalyDetected only when anomalies are configured', () => {
    const annotated = buildDashboards({ profile: 'nvidia', datasourceUid: 'obsctl-prometheus', anomalies: true });
    for (const uid of ['obsctl-app', 'obsctl-gpu']) {
      const list = (annotated.find((d) => d.uid === uid)!.json.annotations as { list: { name: string; expr: string }[] }).list;
      expect(list).toEqual([expect.objectContaining({ name: 'Anomalies', expr: 'ALERTS{alertname="AnomalyDetected",alertstate="firing"}' })]);
      expect(promqlSyntaxErrors(list[0]!.expr)).toEqual([]);
    }
    expect(JSON.stringify(annotated.find((d) => d.uid === 'obsctl-host')!.json)).not.toContain('AnomalyDetected');
    const plain = buildDashboards({ profile: 'nvidia', datasourceUid: 'obsctl-prometheus' });
    expect(JSON.stringify(plain)).not.toContain('AnomalyDetected');
  });
});

describe('obsctl gate', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'obsctl-gate-'));
  const config = path.join(dir, 'obsctl.yaml');
  fs.writeFileSync(config, `${base}slos:\n  - {name: api-availability, target: api, objective: 99.5}\n`);

  it('cannot tell (exit 3) when Prometheus does not answer, and says so in JSON and JUnit', async () => {
    const junit = path.join(dir, 'gate.xml');
    const r = await runCli(['gate', '-c', config, '--prometheus', 'http://127.0.0.1:9', '--json', '--junit', junit]);
    expect(r.code).toBe(3);
    const out = JSON.parse(r.stdout) as { verdict: string; slos: { slo: string; verdict: string; reason: string }[] };
    expect(out.verdict).toBe('unknown');
    expect(out.slos[0]).toMatchObject({ slo: 'api-availability', verdict: 'unknown' });
    expect(out.slos[0]!.reason).toContain('Prometheus at http://127.0.0.1:9 did not answer');
    expect(fs.readFileSync(junit, 'utf8')).toContain('<skipped message="CANNOT TELL: Prometheus at http://127.0.0.1:9 did not answer');
  });

  it('usage errors exit 2: an unknown SLO, a bad window, no SLOs at all', async () => {
    expect((await runCli(['gate', '-c', config, '--slo', 'nope'])).code).toBe(2);
    expect((await runCli(['gate', '-c', config, '--window', 'soon'])).code).toBe(2);
    const empty = path.join(dir, 'empty.yaml');
    fs.writeFileSync(empty, stringify({ name: 'x', gpu: 'none' }));
    const r = await runCli(['gate', '-c', empty]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('obsctl.yaml has no slos: to gate on');
  });
});
