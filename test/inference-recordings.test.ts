// Inference servers (issue 18): every query of the vLLM and SGLang dashboards and every alert
// expression of their packs is answerable from each complete recorded real /metrics output in
// test/fixtures/<name>/ (README.md there; vLLM's excerpts file is names only and is checked in
// integrations.test.ts). The recording becomes promtool input series: the labels the scrape job adds
// (job, instance, host) and Prometheus' own `up`; counters and histogram counts grow in proportion
// to the recorded values (the shape the e2e replay server serves), gauges stay as recorded. The real
// promtool then evaluates each query and each alert expression without its threshold: every one
// must return at least one series; the alerts that fire are exactly those the recorded state
// implies; and a recorded latency distribution comes back as its p95.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { parseConfigText } from '../src/config/load.js';
import { loadContent } from '../src/content.js';
import { integrations } from '../src/integrations/index.js';
import { render } from '../src/render/index.js';
import { expandVariables } from '../src/verify/checks/dashboards.js';

const PROMTOOL = process.env.PROMTOOL ?? 'promtool';
const probe = spawnSync(PROMTOOL, ['--version'], { encoding: 'utf8' });
const missing = probe.status === 0 ? undefined : `promtool not found (${PROMTOOL}); install the Debian package "prometheus" or set PROMTOOL`;
const STEPS = 60; // 15 s apart: 15 minutes of scrapes
const EVAL = '12m';

interface Firing {
  alertname: string;
  exp_labels: Record<string, string>;
  exp_annotations: Record<string, string>;
}
interface Server {
  name: 'vllm' | 'sglang';
  address: string;
  /** A latency percentile the recording fixes, rounded to 0.0001. */
  quantile: { expr: string; value: number };
  /** What the recorded state fires at EVAL (with the default thresholds). */
  firing: (model: string) => Firing[];
}
const runbook = (name: string, alert: string) => `https://github.com/obsctl/obsctl/blob/main/docs/runbooks/${name}.md#${alert.toLowerCase()}`;
const servers: Server[] = [
  {
    name: 'vllm',
    address: 'e2e-vllm:8000',
    // One request, recorded in the (0.25, 0.5] s bucket: p95 interpolates to 0.4875 s.
    quantile: { expr: 'histogram_quantile(0.95, sum by (le) (rate(vllm:time_to_first_token_seconds_bucket[1m])))', value: 0.4875 },
    firing: () => [], // an idle server
  },
  {
    name: 'sglang',
    address: 'e2e-sglang:30000',
    // 7,400,757 tokens; the 95th percentile falls in (0.1, 0.15] s.
    quantile: { expr: 'histogram_quantile(0.95, sum by (le) (rate(sglang:time_per_output_token_seconds_bucket[1m])))', value: 0.1498 },
    // A loaded server: 2,826 queued (but not growing), p95 TTFT beyond the 30 s bucket, p95 TPOT 0.15 s.
    firing: (model) => [
      {
        alertname: 'SGLangTimeToFirstTokenHigh',
        exp_labels: { severity: 'warning', pack: 'sglang', job: 'sglang', instance: 'e2e-sglang:30000', model_name: model },
        exp_annotations: {
          summary: 'SGLang time to first token above its SLO',
          description: `The p95 time to first token of ${model} on e2e-sglang:30000 is 30 s (SLO 2 s).`,
          runbook_url: runbook('sglang', 'SGLangTimeToFirstTokenHigh'),
        },
      },
      {
        alertname: 'SGLangTimePerOutputTokenHigh',
        exp_labels: { severity: 'warning', pack: 'sglang', job: 'sglang', instance: 'e2e-sglang:30000', model_name: model },
        exp_annotations: {
          summary: 'SGLang time per output token above its SLO',
          description: `The p95 time per output token of ${model} on e2e-sglang:30000 is 0.1498 s (SLO 0.1 s).`,
          runbook_url: runbook('sglang', 'SGLangTimePerOutputTokenHigh'),
        },
      },
    ],
  },
];

interface Sample {
  name: string;
  labels: string;
  value: number;
  grows: boolean;
}

/** The NAME:* samples of a recording, and whether each one only ever grows (counter, histogram). */
function recordedSamples(text: string, prefix: string): Sample[] {
  const types = new Map([...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1]!, m[2]!]));
  const typeOf = (n: string) => types.get(n) ?? types.get(n.replace(/_(bucket|count|sum)$/, ''));
  return [...text.matchAll(/^([a-z]+:[^{\s]+)(?:\{(.*)\})?\s+(\S+)$/gm)]
    .filter((m) => m[1]!.startsWith(`${prefix}:`))
    .map((m) => ({ name: m[1]!, labels: m[2] ?? '', value: Number(m[3]) }))
    .filter((s) => Number.isFinite(s.value))
    .map((s) => ({ ...s, grows: ['counter', 'histogram', 'summary'].includes(typeOf(s.name) ?? '') }));
}

/** An alert expression without its thresholds: what must have data for the alert to be able to fire. */
const withoutThresholds = (expr: string) => expr.replace(/\s*(?:>=|<=|==|!=|>|<)\s*-?[\d.]+(?:e[+-]?\d+)?/g, '');

const tmp = mkdtempSync(path.join(tmpdir(), 'obsctl-inference-rec-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.each(servers)('$name', (server) => {
  const dir = path.join(import.meta.dirname, 'fixtures', server.name);
  const recordings = readdirSync(dir).filter((f) => f.endsWith('.prom') && f !== 'excerpts.prom').sort();
  const loaded = parseConfigText(`integrations:\n  ${server.name}: {urls: [${server.address}]}\n`);
  if (!loaded.config) throw new Error(JSON.stringify(loaded.errors));
  const rendered = render(loaded.config, { profile: 'none' }, loadContent());
  const rulesFile = rendered.files.find((f) => f.path === `prometheus/rules/${server.name}-${server.name}.rules.yml`)!.content;
  const alertRules = (parse(rulesFile) as { groups: { rules: { alert: string; expr: string }[] }[] }).groups.flatMap((g) => g.rules);
  const dashboardQueries = rendered.manifest.dashboards.find((d) => d.uid === `obsctl-${server.name}`)!.queries;
  const scrapeLabels = `job="${server.name}",instance="${server.address}",host="lab"`;

  it('has at least one complete recording', () => expect(recordings.length).toBeGreaterThan(0));

  describe.each(recordings)('recording %s', (file) => {
    const samples = recordedSamples(readFileSync(path.join(dir, file), 'utf8'), server.name);
    const model = samples.find((s) => /model_name="/.test(s.labels))!.labels.match(/model_name="([^"]+)"/)![1]!;

    it('holds the series the integration requires (verify)', () => {
      const names = new Set(samples.map((s) => s.name));
      for (const m of integrations.find((i) => i.name === server.name)!.requiredMetrics) expect(names, m).toContain(m);
    });

    if (missing) {
      if (process.env.CI === 'true') it('promtool is installed', () => expect.fail(missing));
      else it.skip(`dashboard and alert queries against the recording (${missing})`, () => {});
      return;
    }

    it('answers every dashboard query and alert expression; fires what the recorded state implies; keeps a latency distribution', () => {
      const series = [
        ...samples.map((s) => ({
          series: `${s.name}{${[s.labels, scrapeLabels].filter(Boolean).join(',')}}`,
          values: s.grows ? `${s.value}+${s.value}x${STEPS}` : `${s.value}x${STEPS}`,
        })),
        { series: `up{${scrapeLabels}}`, values: `1x${STEPS}` },
      ];
      const answered = (expr: string) => ({ expr: `clamp_max(count(${expr}), 1)`, eval_time: EVAL, exp_samples: [{ labels: '{}', value: 1 }] });
      const queries = [...dashboardQueries.map((q) => expandVariables(q.expr)), ...alertRules.map((r) => withoutThresholds(r.expr))];
      const firing = server.firing(model);
      const test = {
        rule_files: [`${server.name}.rules.yml`],
        evaluation_interval: '15s',
        tests: [
          {
            interval: '15s',
            input_series: series,
            promql_expr_test: [
              ...queries.map(answered),
              { expr: `round(${server.quantile.expr}, 0.0001)`, eval_time: EVAL, exp_samples: [{ labels: '{}', value: server.quantile.value }] },
            ],
            alert_rule_test: alertRules.map((r) => ({
              eval_time: EVAL,
              alertname: r.alert,
              exp_alerts: firing.filter((f) => f.alertname === r.alert).map(({ exp_labels, exp_annotations }) => ({ exp_labels, exp_annotations })),
            })),
          },
        ],
      };
      const base = path.join(tmp, `${server.name}-${file.replace(/\W+/g, '-')}`);
      writeFileSync(path.join(tmp, `${server.name}.rules.yml`), rulesFile);
      writeFileSync(`${base}.test.yml`, stringify(test));
      const r = spawnSync(PROMTOOL, ['test', 'rules', `${base}.test.yml`], { encoding: 'utf8' });
      expect(r.status, `${r.stdout}\n${r.stderr}\nqueries:\n${queries.join('\n')}`).toBe(0);
      expect(queries.length).toBeGreaterThan(15);
    });
  });
});
