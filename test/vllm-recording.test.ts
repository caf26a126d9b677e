// vLLM (issue 18): every query of the vLLM dashboard and every vLLM alert expression is answerable
// from each complete recorded real /metrics output in test/fixtures/vllm (README.md there; the
// excerpts file is names only and is checked in integrations.test.ts). The recording becomes
// promtool input series: the labels the scrape job adds (job, instance, host) and Prometheus' own
// `up`; counters and histogram counts grow in proportion to the recorded values (the shape the e2e
// replay server serves), gauges stay as recorded. The real promtool then evaluates each query and
// each alert expression without its threshold: every one must return at least one series; an idle
// recording fires no alert; and the recorded TTFT distribution comes back as its p95.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { parseConfigText } from '../src/config/load.js';
import { loadContent } from '../src/content.js';
import { vllm } from '../src/integrations/vllm.js';
import { render } from '../src/render/index.js';
import { expandVariables } from '../src/verify/checks/dashboards.js';

const dir = path.join(import.meta.dirname, 'fixtures', 'vllm');
const recordings = readdirSync(dir).filter((f) => f.endsWith('.prom') && f !== 'excerpts.prom').sort();
const PROMTOOL = process.env.PROMTOOL ?? 'promtool';
const probe = spawnSync(PROMTOOL, ['--version'], { encoding: 'utf8' });
const missing = probe.status === 0 ? undefined : `promtool not found (${PROMTOOL}); install the Debian package "prometheus" or set PROMTOOL`;
const scrapeLabels = 'job="vllm",instance="e2e-vllm:8000",host="lab"';
const STEPS = 40; // 15 s apart: 10 minutes of scrapes

interface Sample {
  name: string;
  labels: string;
  value: number;
}

/** The vllm:* samples of a recording, and whether each one only ever grows (counter, histogram). */
function recordedSamples(text: string): (Sample & { grows: boolean })[] {
  const types = new Map([...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1]!, m[2]!]));
  const typeOf = (n: string) => types.get(n) ?? types.get(n.replace(/_(bucket|count|sum)$/, ''));
  return [...text.matchAll(/^(vllm:[^{\s]+)(?:\{(.*)\})?\s+(\S+)$/gm)]
    .map((m) => ({ name: m[1]!, labels: m[2] ?? '', value: Number(m[3]) }))
    .filter((s) => Number.isFinite(s.value))
    .map((s) => ({ ...s, grows: ['counter', 'histogram', 'summary'].includes(typeOf(s.name) ?? '') }));
}

const rendered = (() => {
  const loaded = parseConfigText('integrations:\n  vllm: {urls: [e2e-vllm:8000]}\n');
  if (!loaded.config) throw new Error(JSON.stringify(loaded.errors));
  return render(loaded.config, { profile: 'none' }, loadContent());
})();
const rulesFile = rendered.files.find((f) => f.path === 'prometheus/rules/vllm-vllm.rules.yml')!.content;
const alertRules = (parse(rulesFile) as { groups: { rules: { alert: string; expr: string }[] }[] }).groups.flatMap((g) => g.rules);
const dashboardQueries = rendered.manifest.dashboards.find((d) => d.uid === 'obsctl-vllm')!.queries;
/** An alert expression without its thresholds: what must have data for the alert to be able to fire. */
const withoutThresholds = (expr: string) => expr.replace(/\s*(?:>=|<=|==|!=|>|<)\s*-?[\d.]+(?:e[+-]?\d+)?/g, '');

const tmp = mkdtempSync(path.join(tmpdir(), 'obsctl-vllm-rec-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.each(recordings)('vLLM recording %s', (file) => {
  const samples = recordedSamples(readFileSync(path.join(dir, file), 'utf8'));

  it('holds the series the vllm integration requires (verify)', () => {
    const names = new Set(samples.map((s) => s.name));
    for (const m of vllm.requiredMetrics) expect(names, m).toContain(m);
  });

  if (missing) {
    if (process.env.CI === 'true') it('promtool is installed', () => expect.fail(missing));
    else it.skip(`dashboard and alert queries against the recording (${missing})`, () => {});
    return;
  }

  it('answers every dashboard query and alert expression; fires nothing while idle; keeps the TTFT shape', () => {
    const series = [
      ...samples.map((s) => ({
        series: `${s.name}{${[s.labels, scrapeLabels].filter(Boolean).join(',')}}`,
        values: s.grows ? `${s.value}+${s.value}x${STEPS}` : `${s.value}x${STEPS}`,
      })),
      { series: `up{${scrapeLabels}}`, values: `1x${STEPS}` },
    ];
    const answered = (expr: string) => ({ expr: `clamp_max(count(${expr}), 1)`, eval_time: '10m', exp_samples: [{ labels: '{}', value: 1 }] });
    const queries = [...dashboardQueries.map((q) => expandVariables(q.expr)), ...alertRules.map((r) => withoutThresholds(r.expr))];
    const test = {
      rule_files: ['vllm.rules.yml'],
      evaluation_interval: '15s',
      tests: [
        {
          interval: '15s',
          input_series: series,
          promql_expr_test: [
            ...queries.map(answered),
            // One request, recorded in the (0.25, 0.5] s bucket: p95 interpolates to 0.4875 s.
            { expr: 'round(histogram_quantile(0.95, sum by (le) (rate(vllm:time_to_first_token_seconds_bucket[1m]))), 0.0001)', eval_time: '10m', exp_samples: [{ labels: '{}', value: 0.4875 }] },
          ],
          alert_rule_test: alertRules.map((r) => ({ eval_time: '10m', alertname: r.alert, exp_alerts: [] })),
        },
      ],
    };
    const base = path.join(tmp, file.replace(/\W+/g, '-'));
    writeFileSync(path.join(tmp, 'vllm.rules.yml'), rulesFile);
    writeFileSync(`${base}.test.yml`, stringify(test));
    const r = spawnSync(PROMTOOL, ['test', 'rules', `${base}.test.yml`], { encoding: 'utf8' });
    expect(r.status, `${r.stdout}\n${r.stderr}\nqueries:\n${queries.join('\n')}`).toBe(0);
    expect(queries.length).toBeGreaterThan(20);
  });
});

it('has at least one complete recording', () => expect(recordings.length).toBeGreaterThan(0));
