// The built-in alert packs (alerts/<pack>/, recording/ excepted): their contracts (labels,
// annotations, runbooks, tests beside every rules file, nothing GB10 cannot emit on GB10), and the
// real `promtool check rules` + `promtool test rules` with the schema's default thresholds AND a
// second, different set, which proves the tests follow the thresholds instead of hard-coding them.
import { dcgmFixtureDir } from './helpers/shared.js';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parser as promqlParser } from '@prometheus-io/lezer-promql';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { alertPackNames, configSchema, type AlertPackName } from '../src/config/schema.js';
import { exposedAppMetricNames } from '../src/metrics/names.js';
import { LIMIT_FIELDS } from '../src/render/dcgm.js';
import { findUnresolved, substituteThresholds, thresholdValues, type ThresholdValues } from '../src/render/thresholds.js';
import { substituteDataFilesystem } from '../src/render/prometheus-disk.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const alertsDir = join(repo, 'alerts');
const runbooksDir = join(repo, 'docs', 'runbooks');
// shared/ sits beside the repository (in CI too); only the DCGM-name check needs it.
const t4Fixture = resolve(dcgmFixtureDir, 't4-dcgm-exporter.prom');
const localDcgm = join(repo, 'test', 'fixtures', 'dcgm');
// Metric names (histograms by their _bucket series) of the recorded real vLLM /metrics output.
const vllmRecorded = new Set(
  readdirSync(join(repo, 'test', 'fixtures', 'vllm'))
    .filter((f) => f.endsWith('.prom'))
    .flatMap((f) => [...readFileSync(join(repo, 'test', 'fixtures', 'vllm', f), 'utf8').matchAll(/^(?:# TYPE )?(vllm:\w+)[{ ]/gm)].map((m) => m[1]!)),
);
const sglangRecorded = new Set(
  readdirSync(join(repo, 'test', 'fixtures', 'sglang'))
    .filter((f) => f.endsWith('.prom'))
    .flatMap((f) => [...readFileSync(join(repo, 'test', 'fixtures', 'sglang', f), 'utf8').matchAll(/^(?:# TYPE )?(sglang:\w+)[{ ]/gm)].map((m) => m[1]!)),
);

// ---------------------------------------------------------------------------------------------
// Shapes of the YAML we read (only the fields the checks use).

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface RuleFile {
  groups: { name: string; rules: Rule[] }[];
}
interface AlertTest {
  eval_time: string;
  alertname: string;
  exp_alerts?: { exp_labels?: Record<string, string>; exp_annotations?: Record<string, string> }[] | null;
}
interface ExprTest {
  expr: string;
  eval_time: string;
  exp_samples?: unknown[] | null;
}
interface TestFile {
  rule_files: string[];
  evaluation_interval?: string;
  tests: {
    name?: string;
    interval?: string;
    input_series?: { series: string; values: string }[];
    alert_rule_test?: AlertTest[];
    promql_expr_test?: ExprTest[];
  }[];
}

// ---------------------------------------------------------------------------------------------
// The contract from docs/design.md: profile suffixes, packs, thresholds.

type Profile = 'nvidia' | 'gb10' | 'none';
const profiles: Profile[] = ['nvidia', 'gb10', 'none'];
const PROFILE_SUFFIX = /\.(nvidia|gb10)\.rules\.yml$/;

/** Rules files of a pack that `profile` renders (gpu files are dropped entirely on CPU-only hosts). */
function rulesFilesFor(pack: AlertPackName, profile: Profile): string[] {
  if (pack === 'gpu' && profile === 'none') return [];
  return rulesFiles(pack).filter((f) => {
    const m = PROFILE_SUFFIX.exec(f);
    return !m || m[1] === profile;
  });
}
function rulesFiles(pack: AlertPackName): string[] {
  return readdirSync(join(alertsDir, pack))
    .filter((f) => f.endsWith('.rules.yml'))
    .sort();
}
const testFileOf = (rulesFile: string): string => rulesFile.replace(/\.rules\.yml$/, '.test.yml');
/**
 * Every test file of a rules file: X.test.yml, and X.<part>.test.yml where tests that run for hours
 * are evaluated at a coarser evaluation_interval than the minute-exact ones (promtool evaluates
 * every rule at every interval up to the last eval_time: most of `obsctl validate`'s time).
 */
const testFilesOf = (pack: string, rulesFile: string): string[] => {
  const stem = rulesFile.replace(/\.rules\.yml$/, '');
  const extra = readdirSync(join(alertsDir, pack)).filter((f) => f.startsWith(`${stem}.`) && /^\.[a-z]+\.test\.yml$/.test(f.slice(stem.length)) && !/\.(nvidia|gb10)\.test\.yml$/.test(f.slice(stem.length)));
  return [testFileOf(rulesFile), ...extra.sort()];
};
const read = (pack: string, file: string): string => readFileSync(join(alertsDir, pack, file), 'utf8');

/** Fields a DGX Spark (GB10) never emits (shared docs/gb10-dcgm.md). */
const GB10_NEVER = /DCGM_FI_DEV_(FB_USED|FB_FREE|FB_RESERVED|MEM_CLOCK)\b|DCGM_FI_PROF_/;

const SEVERITIES = ['critical', 'warning', 'info', 'none'];
const runbookUrl = (pack: string, alert: string): string =>
  `https://github.com/obsctl/obsctl/blob/main/docs/runbooks/${pack}.md#${alert.toLowerCase()}`;

/**
 * Alerts whose value carries no information (a 0/1 state, a presence check, or the XID code shown
 * as a label): their description need not print {{ $value }}.
 */
const VALUE_FREE = new Set([
  'GPUXidError',
  'GPUExporterDown',
  'GPUExporterAbsent',
  'GPUMetricsMissing',
  'HostFilesystemReadOnly',
  'AppTargetDown',
  'StackScrapeJobMissing',
  'Watchdog',
  'PostgresDown',
  'PostgresExporterQueryErrors',
  'RedisDown',
  'PushgatewayDown',
  'VLLMDown',
  'SGLangDown',
]);
/** Alerts aggregated above the instance (per scrape job, or global): no instance label to print. */
const NO_INSTANCE: Record<string, string | null> = {
  GPUExporterAbsent: '$labels.job',
  AppErrorBudgetBurn: '$labels.job',
  AppLatencyHigh: '$labels.job',
  AppJobFailureRatioHigh: '$labels.job',
  PrometheusScrapeJobDown: '$labels.job',
  StackScrapeJobMissing: '$labels.job',
  Watchdog: null,
  // A pushed group's labels are the batch job's: job always, instance only if the job set one.
  PushgatewayJobStale: '$labels.job',
  PushgatewayPushFailed: '$labels.job',
};
/** Alerts with no "must not fire" case by design. */
const ALWAYS_FIRING = new Set(['Watchdog']);

// Thresholds: the schema defaults, and a second set that differs in every key.
const defaults = thresholdValues(configSchema.parse({}).alerts);
const changed = thresholdValues(
  configSchema.parse({
    alerts: {
      gpu: { temperature_warning_celsius: 70, temperature_critical_celsius: 80, temperature_margin_celsius: 8, power_limit_percent: 90, power_limit_watts: 150, memory_used_ratio: 0.8, idle_util_percent: 10 },
      host: { memory_available_ratio: 0.25, disk_free_ratio: 0.15, load_per_core: 3 },
      app: { error_ratio_slo: 0.02, latency_p95_seconds: 0.5, job_failure_ratio: 0.1, queue_depth: 50 },
      postgres: { connections_used_ratio: 0.7, replication_lag_seconds: 30, long_transaction_seconds: 300 },
      redis: { memory_used_ratio: 0.8, clients_used_ratio: 0.75 },
      pushgateway: { max_push_age_seconds: 7200 },
      vllm: { kv_cache_used_ratio: 0.9, waiting_requests: 5, ttft_p95_seconds: 1, itl_p95_seconds: 0.05 },
      sglang: { token_usage_ratio: 0.9, queued_requests: 5, ttft_p95_seconds: 1, tpot_p95_seconds: 0.05 },
    },
  }).alerts,
);
const thresholdSets: [string, ThresholdValues][] = [
  ['default thresholds', defaults],
  ['changed thresholds', changed],
];

// ---------------------------------------------------------------------------------------------
// Helpers.

const substituted = (pack: string, file: string, values: ThresholdValues): string =>
  substituteDataFilesystem(substituteThresholds(read(pack, file), values, `alerts/${pack}/${file}`), '/var/lib/docker');
const parsedRules = (pack: string, file: string): RuleFile => parseYaml(substituted(pack, file, defaults)) as RuleFile;
const parsedTests = (pack: string, file: string): TestFile => parseYaml(substituted(pack, file, defaults)) as TestFile;
const allRules = (rf: RuleFile): Rule[] => rf.groups.flatMap((g) => g.rules);

/** Metric names in a PromQL expression (selectors only; `{__name__=~...}` has none). */
function metricNames(expr: string): { names: string[]; errors: number } {
  const names: string[] = [];
  let errors = 0;
  promqlParser.parse(expr).iterate({
    enter(node) {
      if (node.type.isError) errors++;
      if (node.name === 'Identifier' && node.node.parent?.name === 'VectorSelector') names.push(expr.slice(node.from, node.to));
    },
  });
  return { names, errors };
}

/** GitHub's anchor for a heading: lower case, spaces to '-', punctuation dropped. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  for (const m of markdown.matchAll(/^##\s+(.+?)\s*$/gm)) {
    anchors.add(m[1]!.toLowerCase().replace(/[^\w\- ]/g, '').replace(/ /g, '-'));
  }
  return anchors;
}

function run(cmd: string, args: string[], cwd: string): { status: number | null; output: string } {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

// ---------------------------------------------------------------------------------------------

describe('alert packs: layout', () => {
  it('alerts/ holds exactly the schema packs (plus recording/, owned elsewhere)', () => {
    const dirs = readdirSync(alertsDir).filter((d) => d !== 'recording').sort();
    expect(dirs).toEqual([...alertPackNames].sort());
  });

  it.each(alertPackNames)('%s: every rules file has its test file and vice versa', (pack) => {
    const files = readdirSync(join(alertsDir, pack));
    const rules = files.filter((f) => f.endsWith('.rules.yml'));
    const tests = files.filter((f) => f.endsWith('.test.yml'));
    expect(rules.length).toBeGreaterThan(0);
    expect(tests.sort()).toEqual(rules.flatMap((r) => testFilesOf(pack, r)).sort());
    expect(files.filter((f) => !f.endsWith('.rules.yml') && !f.endsWith('.test.yml'))).toEqual([]);
    for (const r of rules) {
      for (const tf of testFilesOf(pack, r)) {
        const t = parsedTests(pack, tf);
        expect(t.rule_files, `${pack}/${tf}`).toEqual([r]);
        expect(t.evaluation_interval, `${pack}/${tf} sets evaluation_interval`).toBeTruthy();
      }
    }
  });

  it('gpu: profile variants come in pairs, and each profile renders unique group names', () => {
    const variants = rulesFiles('gpu').filter((f) => PROFILE_SUFFIX.test(f));
    const stems = new Set(variants.map((f) => f.replace(PROFILE_SUFFIX, '')));
    for (const stem of stems) {
      expect(variants, `gpu/${stem}: both variants`).toEqual(expect.arrayContaining([`${stem}.nvidia.rules.yml`, `${stem}.gb10.rules.yml`]));
    }
    for (const profile of profiles) {
      const groups = alertPackNames.flatMap((pack) =>
        rulesFilesFor(pack, profile).flatMap((f) => parsedRules(pack, f).groups.map((g) => g.name)),
      );
      expect(new Set(groups).size, `${profile}: duplicate group names in ${groups.join(', ')}`).toBe(groups.length);
    }
  });

  it.each(thresholdSets)('every placeholder names a schema threshold and resolves (%s)', (_name, values) => {
    for (const pack of alertPackNames) {
      for (const f of readdirSync(join(alertsDir, pack))) {
        const text = substituted(pack, f, values);
        expect(findUnresolved(text), `${pack}/${f}`).toEqual([]);
      }
    }
  });

  it('the changed threshold set differs from the defaults in every key', () => {
    expect(Object.keys(changed).sort()).toEqual(Object.keys(defaults).sort());
    for (const [key, value] of Object.entries(changed)) expect(value, key).not.toBe(defaults[key]);
  });
});

describe.each(alertPackNames)('alert pack %s: contracts', (pack) => {
  const files = rulesFiles(pack);

  it('every alert has severity, pack, summary, description with value and instance, and runbook_url', () => {
    for (const f of files) {
      for (const rule of allRules(parsedRules(pack, f))) {
        if (!rule.alert) continue;
        const where = `${pack}/${f}: ${rule.alert}`;
        expect(SEVERITIES, `${where}: severity`).toContain(rule.labels?.severity);
        expect(rule.labels?.pack, `${where}: pack label`).toBe(pack);
        expect(rule.annotations?.summary, `${where}: summary`).toBeTruthy();
        const description = rule.annotations?.description ?? '';
        expect(description, `${where}: description`).toBeTruthy();
        if (!VALUE_FREE.has(rule.alert)) expect(description, `${where}: description prints $value`).toContain('$value');
        const location = rule.alert in NO_INSTANCE ? NO_INSTANCE[rule.alert] : '$labels.instance';
        if (location) expect(description, `${where}: description names ${location}`).toContain(location);
        expect(rule.annotations?.runbook_url, `${where}: runbook_url`).toBe(runbookUrl(pack, rule.alert));
      }
    }
  });

  it('every runbook anchor exists, and every runbook section belongs to an alert', () => {
    const page = join(runbooksDir, `${pack}.md`);
    expect(existsSync(page), `docs/runbooks/${pack}.md`).toBe(true);
    const anchors = anchorsOf(readFileSync(page, 'utf8'));
    const alerts = new Set(files.flatMap((f) => allRules(parsedRules(pack, f)).flatMap((r) => (r.alert ? [r.alert] : []))));
    for (const alert of alerts) expect([...anchors], `docs/runbooks/${pack}.md#${alert.toLowerCase()}`).toContain(alert.toLowerCase());
    expect([...anchors].sort(), `docs/runbooks/${pack}.md sections`).toEqual([...alerts].map((a) => a.toLowerCase()).sort());
  });

  it('every alert is tested firing and not firing; every recording rule has a promql_expr_test', () => {
    for (const f of files) {
      const rules = allRules(parsedRules(pack, f));
      const tests = testFilesOf(pack, f).flatMap((tf) => parsedTests(pack, tf).tests);
      const alertTests = tests.flatMap((t) => t.alert_rule_test ?? []);
      const exprTests = tests.flatMap((t) => t.promql_expr_test ?? []);
      for (const alert of new Set(rules.flatMap((r) => (r.alert ? [r.alert] : [])))) {
        const mine = alertTests.filter((t) => t.alertname === alert);
        expect(mine.some((t) => (t.exp_alerts ?? []).length > 0), `${pack}/${f}: ${alert} has a firing case`).toBe(true);
        if (!ALWAYS_FIRING.has(alert)) {
          expect(mine.some((t) => (t.exp_alerts ?? []).length === 0), `${pack}/${f}: ${alert} has a not-firing case`).toBe(true);
        }
      }
      for (const rule of rules) {
        if (!rule.record) continue;
        const tested = exprTests.some((t) => metricNames(t.expr).names.includes(rule.record!));
        expect(tested, `${pack}/${f}: recording rule ${rule.record} has a promql_expr_test`).toBe(true);
      }
      // Tests must not name an alert that does not exist in their rules file.
      const known = new Set(rules.map((r) => r.alert));
      for (const t of alertTests) expect(known.has(t.alertname), `${pack}/${testFilesOf(pack, f).join(', ')}: unknown alert ${t.alertname}`).toBe(true);
    }
  });

  it('every expression parses, and names only metrics that exist', () => {
    const app = new Set(exposedAppMetricNames());
    // Real field names: those of the recorded outputs (shared T4, test/fixtures/dcgm), and the limit
    // fields obsctl asks for, whose names and ids are checked against DCGM's dcgm_fields.h.
    const recordings = [t4Fixture, ...readdirSync(localDcgm).filter((f) => f.endsWith('.prom')).map((f) => join(localDcgm, f))];
    const t4 = existsSync(t4Fixture)
      ? new Set([...recordings.flatMap((r) => [...readFileSync(r, 'utf8').matchAll(/^(DCGM_FI_\w+)\{/gm)].map((m) => m[1]!)), ...LIMIT_FIELDS])
      : null;
    for (const f of files) {
      const rules = allRules(parsedRules(pack, f));
      const recorded = new Set(rules.flatMap((r) => (r.record ? [r.record] : [])));
      for (const rule of rules) {
        const { names, errors } = metricNames(rule.expr);
        expect(errors, `${pack}/${f}: ${rule.alert ?? rule.record} parses`).toBe(0);
        for (const name of names) {
          // obsctl's app helper metrics: the names src/metrics/names.ts defines, nothing else.
          if (/^(http_|app_)/.test(name)) expect(app, `${pack}/${f}: ${name} is an app helper metric`).toContain(name);
          // DCGM fields: names a real dcgm-exporter emits (recorded T4 output, shared fixtures).
          if (t4 && name.startsWith('DCGM_FI_')) expect(t4, `${pack}/${f}: ${name} is emitted by dcgm-exporter`).toContain(name);
          // vLLM names (vllm:...): those of the recorded real vLLM output in test/fixtures/vllm.
          if (name.startsWith('vllm:')) {
            expect(vllmRecorded, `${pack}/${f}: ${name} is in the recorded vLLM output`).toContain(name);
            continue;
          }
          // SGLang names (sglang:...): those of the recorded real SGLang output in test/fixtures/sglang.
          if (name.startsWith('sglang:')) {
            expect(sglangRecorded, `${pack}/${f}: ${name} is in the recorded SGLang output`).toContain(name);
            continue;
          }
          // level:metric:operations names must be recorded in this file (rules of other files may not load).
          if (name.includes(':')) expect(recorded, `${pack}/${f}: ${name} is recorded here`).toContain(name);
        }
      }
    }
  });
});

describe('GB10 profile', () => {
  it('no file rendered for gb10 names a field a GB10 never emits', () => {
    for (const pack of alertPackNames) {
      for (const f of rulesFilesFor(pack, 'gb10')) {
        // Parsed content (expressions, labels, annotations, test series), not YAML comments, which
        // may explain what is missing.
        for (const file of [f, ...testFilesOf(pack, f)]) {
          const content = JSON.stringify(parseYaml(substituted(pack, file, defaults)));
          expect(GB10_NEVER.exec(content)?.[0], `${pack}/${file}`).toBeUndefined();
        }
      }
    }
  });

  it('memory pressure exists on both GPU profiles', () => {
    for (const profile of ['nvidia', 'gb10'] as const) {
      const alerts = rulesFilesFor('gpu', profile).flatMap((f) => allRules(parsedRules('gpu', f)).map((r) => r.alert));
      expect(alerts, profile).toContain('GPUMemoryPressure');
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The real promtool. Missing promtool fails in CI and skips (with the reason printed) elsewhere.

const PROMTOOL = process.env.PROMTOOL ?? 'promtool';
const probe = spawnSync(PROMTOOL, ['--version'], { encoding: 'utf8' });
const havePromtool = probe.status === 0;
const missingReason = `promtool not found (${PROMTOOL}: ${probe.error?.message ?? `exit ${probe.status}`}); install the Debian package "prometheus" or set PROMTOOL`;

/** One promtool run per pack and profile; host/app/stack render the same files for every profile. */
interface PromtoolCase {
  pack: AlertPackName;
  profile: Profile | 'any';
}
const cases: PromtoolCase[] = alertPackNames.flatMap((pack): PromtoolCase[] =>
  pack === 'gpu' ? [{ pack, profile: 'nvidia' }, { pack, profile: 'gb10' }] : [{ pack, profile: 'any' }],
);

describe('promtool', () => {
  if (!havePromtool) {
    if (process.env.CI === 'true') {
      it('promtool is installed', () => {
        throw new Error(missingReason);
      });
    } else {
      console.log(`alerts.test.ts: skipping promtool checks: ${missingReason}`);
      it.skip(`promtool check/test rules (${missingReason})`, () => {});
    }
    return;
  }

  const tmp = mkdtempSync(join(tmpdir(), 'obsctl-alerts-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  describe.each(thresholdSets)('%s', (setName, values) => {
    it.each(cases)('$pack ($profile): promtool check rules and test rules pass', ({ pack, profile }) => {
      const dir = join(tmp, setName.replace(/\W+/g, '-'), `${pack}-${profile}`);
      mkdirSync(dir, { recursive: true });
      const rules = rulesFilesFor(pack, profile === 'any' ? 'nvidia' : profile);
      const tests = rules.flatMap((r) => testFilesOf(pack, r));
      for (const f of [...rules, ...tests]) writeFileSync(join(dir, f), substituted(pack, f, values));

      const check = run(PROMTOOL, ['check', 'rules', ...rules], dir);
      expect(check.status, `promtool check rules (${pack}, ${profile}, ${setName}):\n${check.output}`).toBe(0);
      const test = run(PROMTOOL, ['test', 'rules', ...tests], dir);
      expect(test.status, `promtool test rules (${pack}, ${profile}, ${setName}):\n${test.output}`).toBe(0);
    });
  });

  // The hours-long tests run every 5 minutes (X.long.test.yml, see their headers): each still fails
  // when the rule it covers is broken. Checked by hand against the same tests at 1m: the same 24
  // rule mutations caught, the same missed.
  const mutations: { pack: AlertPackName; rules: string; test: string; what: string; from: RegExp; to: (m: string, keep: string) => string }[] = [
    { pack: 'app', rules: 'red.rules.yml', test: 'red.long.test.yml', what: 'slow burn threshold far below the SLO', from: /(error_ratio_rate(?:6h|30m) > )[\d.e-]+/g, to: (_m, keep) => `${keep}0.000001` },
    { pack: 'app', rules: 'red.rules.yml', test: 'red.long.test.yml', what: 'the 6h ratio drops jobs without errors', from: /(rate\(http_requests_total\[6h\]\)\) \* 0)$/m, to: (_m, keep) => `${keep} > 1` },
    { pack: 'stack', rules: 'prometheus.rules.yml', test: 'prometheus.long.test.yml', what: 'compactions alert after 1h instead of 4h', from: /(compactions_failed_total\[3h\]\) > 0\n\s+for: )4h/, to: (_m, keep) => `${keep}1h` },
    { pack: 'stack', rules: 'prometheus.rules.yml', test: 'prometheus.long.test.yml', what: 'head truncations alert after 1h25m instead of 1h', from: /(head_truncations_failed_total\[3h\]\) > 0\n\s+for: )1h/, to: (_m, keep) => `${keep}1h25m` },
  ];
  it.each(mutations)('$pack/$test fails when the rule is broken: $what', ({ pack, rules, test, from, to }) => {
    const dir = mkdtempSync(join(tmp, 'mutation-'));
    const original = substituted(pack, rules, defaults);
    const broken = original.replace(from, to);
    expect(broken, 'the mutation applies').not.toBe(original);
    writeFileSync(join(dir, test), substituted(pack, test, defaults));
    writeFileSync(join(dir, rules), original);
    expect(run(PROMTOOL, ['test', 'rules', test], dir).status, 'passes on the real rule').toBe(0);
    writeFileSync(join(dir, rules), broken);
    const r = run(PROMTOOL, ['test', 'rules', test], dir);
    expect(r.status, r.output).toBe(1);
    expect(r.output).toContain('FAILED');
  });
});

// ---------------------------------------------------------------------------------------------

describe('counts', () => {
  it('prints alerts, recording rules and test cases per pack', () => {
    const rows = alertPackNames.map((pack) => {
      let alertRules = 0;
      let records = 0;
      let cases = 0;
      const names = new Set<string>();
      for (const f of rulesFiles(pack)) {
        for (const r of allRules(parsedRules(pack, f))) {
          if (r.alert) {
            alertRules++;
            names.add(r.alert);
          } else records++;
        }
        for (const t of testFilesOf(pack, f).flatMap((tf) => parsedTests(pack, tf).tests)) cases += (t.alert_rule_test?.length ?? 0) + (t.promql_expr_test?.length ?? 0);
      }
      return { pack, alerts: names.size, 'alert rules': alertRules, 'recording rules': records, 'test cases': cases };
    });
    console.log('alert packs (all profiles):');
    console.table(rows);
    expect(rows.every((r) => r.alerts > 0 && r['test cases'] > 0)).toBe(true);
  });
});
