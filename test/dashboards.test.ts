// Dashboards as code (dashboards/) and their recording rules (alerts/recording/).
//
// Every query of every panel and variable must parse as PromQL (the official lezer grammar) and
// name only metrics that something in the stack really emits for that profile:
// - DCGM: the real dcgm-exporter capture in shared/fixtures/dcgm, minus what GB10 never emits;
// - node-exporter, Prometheus and Alertmanager: /metrics of the Debian binaries, captured live here;
// - the app: src/metrics/names.ts; recording rules: alerts/recording/*.rules.yml.
// A missing Debian binary skips the live checks with a printed reason, and fails them when CI=true.
import { findBin } from './helpers/bin.js';
import { dcgmFixtureDir } from './helpers/shared.js';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parser } from '@prometheus-io/lezer-promql';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { buildDashboards, type DashboardFile, type Profile } from '../dashboards/index.js';
import { appMetrics, exposedAppMetricNames } from '../src/metrics/names.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dcgmFixtures = dcgmFixtureDir;
const recordingDir = path.join(repoRoot, 'alerts', 'recording');

const profiles: Profile[] = ['none', 'nvidia', 'gb10'];
const DS = 'test-ds-7f3a';

const BIN = {
  nodeExporter: findBin('prometheus-node-exporter'),
  prometheus: findBin('prometheus'),
  alertmanager: findBin('prometheus-alertmanager'),
  promtool: findBin('promtool'),
};
const CI = process.env.CI === 'true';

/** Skips (with the reason printed) or, in CI, fails when a binary is missing. */
function needs(...bins: string[]): boolean {
  const missing = bins.filter((b) => !existsSync(b));
  if (missing.length === 0) return true;
  if (CI) return true; // the test runs and fails on the missing binary
  console.warn(`dashboards.test: skipping checks that need ${missing.join(', ')} (not installed; Debian packages ` +
    'prometheus-node-exporter, prometheus, prometheus-alertmanager)');
  return false;
}
function requireBins(...bins: string[]): void {
  const missing = bins.filter((b) => !existsSync(b));
  if (missing.length) throw new Error(`CI=true but ${missing.join(', ')} missing`);
}

// ---------------------------------------------------------------------------------------------
// Walking the dashboards

interface Expr {
  dashboard: string;
  where: string;
  expr: string;
}

function panelsOf(d: DashboardFile): Array<Record<string, any>> {
  const out: Array<Record<string, any>> = [];
  const walk = (ps: unknown): void => {
    for (const p of (ps as Array<Record<string, any>>) ?? []) {
      out.push(p);
      walk(p.panels);
    }
  };
  walk(d.json.panels);
  return out;
}

/** Every PromQL expression: panel targets, and the selector inside label_values() of variables. */
function exprsOf(d: DashboardFile): Expr[] {
  const out: Expr[] = [];
  for (const p of panelsOf(d)) {
    for (const t of (p.targets as Array<Record<string, any>>) ?? []) {
      out.push({ dashboard: d.uid, where: `panel "${p.title}" ${t.refId}`, expr: String(t.expr) });
    }
  }
  for (const v of ((d.json.templating as any)?.list ?? []) as Array<Record<string, any>>) {
    if (v.type !== 'query') continue;
    const m = /^label_values\((.+),\s*(\w+)\)$/.exec(String(v.query));
    if (!m) throw new Error(`${d.uid}: variable ${v.name}: unsupported query ${v.query}`);
    out.push({ dashboard: d.uid, where: `variable ${v.name}`, expr: m[1]! });
  }
  return out;
}

/** Grafana's variables, made parseable: range variables become a duration, others a string value. */
function substituteGrafanaVars(expr: string): string {
  return expr.replace(/\$__(rate_interval|interval|range)\b/g, '5m').replace(/\$\{?(\w+)(:\w+)?\}?/g, 'VAR_$1');
}

interface Parsed {
  errors: string[];
  metrics: string[];
}

/** Parses with lezer-promql; collects syntax errors and every metric name of a vector selector. */
function parsePromQL(expr: string): Parsed {
  const tree = parser.parse(expr);
  const errors: string[] = [];
  const metrics: string[] = [];
  const c = tree.cursor();
  do {
    const text = expr.slice(c.from, c.to);
    if (c.type.isError) errors.push(`syntax error at ${c.from}: "${expr.slice(Math.max(0, c.from - 10), c.to + 10)}"`);
    if (c.type.name === 'VectorSelector') {
      const id = c.node.getChild('Identifier');
      if (!id) errors.push(`selector without a metric name: ${text}`);
      else metrics.push(expr.slice(id.from, id.to));
    }
    if (c.type.name === 'LabelName' && text === '__name__') errors.push('__name__ matcher: name the metric instead');
  } while (c.next());
  return { errors, metrics };
}

function exposedNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)/.exec(line);
    if (m) names.add(m[1]!);
  }
  return names;
}

// ---------------------------------------------------------------------------------------------
// Known metric names

const dcgmNames = exposedNames(readFileSync(path.join(dcgmFixtures, 't4-dcgm-exporter.prom'), 'utf8'));
/** shared/docs/gb10-dcgm.md: fields a DGX Spark (GB10) never emits. */
const gb10Never = (name: string): boolean =>
  /^DCGM_FI_DEV_(FB_USED|FB_FREE|FB_RESERVED|MEM_CLOCK)$/.test(name) || name.startsWith('DCGM_FI_PROF_');

/**
 * Series Prometheus makes itself and never exposes on /metrics, so no live capture can list them:
 * per scrape target `up`, `scrape_duration_seconds`, `scrape_samples_scraped`,
 * `scrape_samples_post_metric_relabeling`, `scrape_series_added` (Prometheus docs, "Jobs and
 * instances: automatically generated labels and time series"), and per alerting rule `ALERTS` and
 * `ALERTS_FOR_STATE` (docs, "Alerting rules: inspecting alerts during runtime").
 */
const prometheusSynthetic = new Set([
  'up',
  'scrape_duration_seconds',
  'scrape_samples_scraped',
  'scrape_samples_post_metric_relabeling',
  'scrape_series_added',
  'ALERTS',
  'ALERTS_FOR_STATE',
]);

const ruleFiles = readdirSync(recordingDir)
  .filter((f) => f.endsWith('.rules.yml'))
  .sort();

interface RuleGroupFile {
  groups: Array<{ name: string; rules: Array<{ record?: string; alert?: string; expr: string; labels?: Record<string, string> }> }>;
}
function loadRules(file: string): RuleGroupFile {
  return parseYaml(readFileSync(path.join(recordingDir, file), 'utf8')) as RuleGroupFile;
}
const recordingRules = ruleFiles.flatMap((f) =>
  loadRules(f).groups.flatMap((g) => g.rules.map((r) => ({ file: f, group: g.name, ...r }))),
);
const recordedNames = new Set(recordingRules.map((r) => r.record).filter((r): r is string => !!r));
const appNames = new Set(exposedAppMetricNames());

// ---------------------------------------------------------------------------------------------
// Live capture of /metrics from the Debian binaries

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Starts `bin`, polls its /metrics until `ready` holds, returns the text, and stops it. */
async function scrapeLive(bin: string, args: string[], port: number, ready: (text: string) => boolean): Promise<string> {
  let stderr = '';
  const child: ChildProcess = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr!.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-4000)));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  try {
    const deadline = Date.now() + 30_000;
    let last = '';
    while (Date.now() < deadline) {
      if (child.exitCode !== null) break;
      try {
        const res = await fetch(`http://127.0.0.1:${port}/metrics`);
        if (res.ok) {
          last = await res.text();
          if (ready(last)) return last;
        }
      } catch {
        // not listening yet
      }
      await sleep(200);
    }
    throw new Error(`${bin}: /metrics not ready (exit code ${child.exitCode}); stderr:\n${stderr}`);
  } finally {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
  }
}

async function captureNodeExporter(): Promise<Set<string>> {
  const port = await freePort();
  const text = await scrapeLive(BIN.nodeExporter, [`--web.listen-address=127.0.0.1:${port}`], port, (t) =>
    t.includes('node_cpu_seconds_total'),
  );
  return exposedNames(text);
}

async function capturePrometheus(): Promise<Set<string>> {
  // Loaded with obsctl's recording rules, an Alertmanager (nothing listens there: the notifier's
  // per-Alertmanager series exist anyway), a retention size and a self-scrape, so that the rule,
  // notification and TSDB series the Stack dashboard reads are all initialised.
  const dir = mkdtempSync(path.join(tmpdir(), 'obsctl-prom-'));
  try {
    const port = await freePort();
    const deadPort = await freePort();
    const config = {
      global: { scrape_interval: '1s', evaluation_interval: '1s' },
      rule_files: ruleFiles.map((f) => path.join(recordingDir, f)),
      alerting: { alertmanagers: [{ static_configs: [{ targets: [`127.0.0.1:${deadPort}`] }] }] },
      scrape_configs: [{ job_name: 'prometheus', static_configs: [{ targets: [`127.0.0.1:${port}`] }] }],
    };
    writeFileSync(path.join(dir, 'prometheus.yml'), JSON.stringify(config));
    const text = await scrapeLive(
      BIN.prometheus,
      [
        `--config.file=${path.join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${path.join(dir, 'data')}`,
        '--storage.tsdb.retention.size=1GB',
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      port,
      // The notifier picks up Alertmanagers after its first discovery update (about 5 s).
      (t) => t.includes('prometheus_notifications_sent_total{') && t.includes('prometheus_rule_group_last_duration_seconds{'),
    );
    return exposedNames(text);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function captureAlertmanager(): Promise<Set<string>> {
  const dir = mkdtempSync(path.join(tmpdir(), 'obsctl-am-'));
  try {
    const port = await freePort();
    writeFileSync(path.join(dir, 'alertmanager.yml'), 'route: {receiver: blackhole}\nreceivers: [{name: blackhole}]\n');
    const text = await scrapeLive(
      BIN.alertmanager,
      [
        `--config.file=${path.join(dir, 'alertmanager.yml')}`,
        `--storage.path=${path.join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--cluster.listen-address=',
      ],
      port,
      (t) => t.includes('alertmanager_notifications_total{'),
    );
    return exposedNames(text);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------

const built = Object.fromEntries(profiles.map((p) => [p, buildDashboards({ profile: p, datasourceUid: DS })])) as Record<
  Profile,
  DashboardFile[]
>;

describe.each(profiles)('dashboards, profile %s', (profile) => {
  const files = built[profile];

  it('is deterministic', () => {
    const again = buildDashboards({ profile, datasourceUid: DS });
    expect(JSON.stringify(again)).toBe(JSON.stringify(files));
    expect(again.map((f) => JSON.stringify(f.json))).toEqual(files.map((f) => JSON.stringify(f.json)));
  });

  it('has the expected dashboards with fixed uids, file names and settings', () => {
    const uids = files.map((f) => f.uid);
    const expected = ['obsctl-overview', 'obsctl-host', 'obsctl-app', 'obsctl-stack'];
    if (profile !== 'none') expected.push('obsctl-gpu');
    expect([...uids].sort()).toEqual([...expected].sort());
    for (const f of files) {
      expect(f.uid).toMatch(/^obsctl-[a-z0-9-]+$/);
      expect(f.uid.length).toBeLessThanOrEqual(40);
      expect(f.fileName).toBe(`${f.uid}.json`);
      expect(f.json.uid).toBe(f.uid);
      expect(f.json.title).toBe(f.title);
      expect(f.json.tags).toEqual(['obsctl']);
      expect(f.json.refresh).toBe('30s');
      expect(f.json.time).toEqual({ from: 'now-6h', to: 'now' });
      expect(typeof f.json.schemaVersion).toBe('number');
      expect(f.json).not.toHaveProperty('id');
    }
  });

  it('refers only to the fixed datasource uid', () => {
    for (const f of files) {
      const text = JSON.stringify(f.json);
      expect(text).not.toContain('${DS_');
      expect(text).not.toContain('__inputs');
      const refs: unknown[] = [];
      const walk = (v: unknown): void => {
        if (Array.isArray(v)) v.forEach(walk);
        else if (v && typeof v === 'object') {
          for (const [k, x] of Object.entries(v)) {
            if (k === 'datasource') refs.push(x);
            walk(x);
          }
        }
      };
      walk(f.json);
      expect(refs.length).toBeGreaterThan(0);
      for (const r of refs) expect(r).toEqual({ type: 'prometheus', uid: DS });
      // Text panels (what the GPU does not report) query nothing.
      for (const p of panelsOf(f).filter((p) => p.type !== 'row' && p.type !== 'text')) {
        expect(p.datasource, `${f.uid} "${p.title}"`).toEqual({ type: 'prometheus', uid: DS });
        expect((p.targets as unknown[]).length, `${f.uid} "${p.title}"`).toBeGreaterThan(0);
      }
    }
  });

  it('has a datasource and an instance variable (and a gpu variable on the GPU dashboard)', () => {
    for (const f of files) {
      const vars = (f.json.templating as { list: Array<Record<string, any>> }).list;
      const ds = vars.find((v) => v.type === 'datasource');
      expect(ds, f.uid).toMatchObject({ name: 'datasource', query: 'prometheus', current: { value: DS } });
      expect(vars.find((v) => v.name === 'instance'), f.uid).toMatchObject({ type: 'query' });
      for (const v of vars.filter((v) => v.type === 'query')) expect(v.datasource).toEqual({ type: 'prometheus', uid: DS });
    }
    const gpu = files.find((f) => f.uid === 'obsctl-gpu');
    if (gpu) {
      const v = (gpu.json.templating as { list: Array<Record<string, any>> }).list.find((x) => x.name === 'gpu');
      // From a field the GPU reports (GPU_UTIL first), not GPU_TEMP, which vGPU guests lack.
      expect(v?.query).toMatch(/^label_values\(DCGM_FI_DEV_GPU_UTIL(\{.*\})?, gpu\)$/);
    }
  });

  it('sets a unit on every panel and colours GPU temperature at 83 / 87 °C', () => {
    const allowed = new Set(['celsius', 'watt', 'percent', 'percentunit', 'bytes', 'binBps', 's', 'reqps', 'ops', 'hertz', 'kwatth', 'short', 'none']);
    let tempPanels = 0;
    for (const f of files) {
      for (const p of panelsOf(f).filter((p) => p.type !== 'row' && p.type !== 'text')) {
        const unit = p.fieldConfig?.defaults?.unit;
        expect(allowed.has(unit), `${f.uid} "${p.title}" unit ${unit}`).toBe(true);
        const exprs = (p.targets as Array<{ expr: string }>).map((t) => t.expr).join(' ');
        if (unit === 'celsius' && exprs.includes('DCGM_FI_DEV_GPU_TEMP')) {
          tempPanels++;
          const steps = (p.fieldConfig.defaults.thresholds.steps as Array<{ value: number | null }>).map((s) => s.value);
          expect(steps, `${f.uid} "${p.title}"`).toEqual([null, 83, 87]);
        }
      }
    }
    if (profile === 'none') expect(tempPanels).toBe(0);
    else expect(tempPanels).toBeGreaterThanOrEqual(3);
  });

  it('lays panels out on the 24-column grid without overlaps', () => {
    for (const f of files) {
      const boxes = panelsOf(f).map((p) => ({ t: p.title as string, ...(p.gridPos as { x: number; y: number; w: number; h: number }) }));
      for (const b of boxes) expect(b.x + b.w, `${f.uid} "${b.t}"`).toBeLessThanOrEqual(24);
      for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
          const a = boxes[i]!;
          const b = boxes[j]!;
          const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
          expect(overlap, `${f.uid}: "${a.t}" overlaps "${b.t}"`).toBe(false);
        }
      }
      const ids = panelsOf(f).map((p) => p.id);
      expect(new Set(ids).size).toBe(ids.length);
    }
  });

  it('has only PromQL that parses', () => {
    const bad: string[] = [];
    for (const f of files) {
      for (const e of exprsOf(f)) {
        const { errors } = parsePromQL(substituteGrafanaVars(e.expr));
        if (errors.length) bad.push(`${e.dashboard} ${e.where}: ${e.expr}\n    ${errors.join('\n    ')}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('uses DCGM labels obsctl keeps (host, instance, gpu, UUID, modelName), never Hostname', () => {
    for (const f of files) expect(JSON.stringify(f.json)).not.toMatch(/hostname/i);
  });
});

describe('GPU dashboard per profile', () => {
  const exprs = (p: Profile, uid: string): string[] =>
    exprsOf(built[p].find((f) => f.uid === uid)!).map((e) => e.expr);

  it('gb10 shows unified memory from node-exporter and no FB_*, MEM_CLOCK or PROF query', () => {
    for (const uid of ['obsctl-gpu', 'obsctl-overview']) {
      const all = exprs('gb10', uid).join('\n');
      expect(all).not.toMatch(/DCGM_FI_DEV_FB_|DCGM_FI_DEV_MEM_CLOCK|DCGM_FI_PROF_|DCGM_FI_DEV_MEM_COPY_UTIL/);
    }
    const gpu = exprs('gb10', 'obsctl-gpu').join('\n');
    expect(gpu).toContain('node_memory_MemTotal_bytes');
    expect(gpu).toContain('node_memory_MemAvailable_bytes');
  });

  it('nvidia shows framebuffer used and free from DCGM, and no PROF query', () => {
    const gpu = exprs('nvidia', 'obsctl-gpu').join('\n');
    expect(gpu).toContain('DCGM_FI_DEV_FB_USED');
    expect(gpu).toContain('DCGM_FI_DEV_FB_FREE');
    expect(gpu).not.toContain('DCGM_FI_PROF_');
  });

  it('none has no GPU dashboard and no DCGM query anywhere', () => {
    expect(built.none.find((f) => f.uid === 'obsctl-gpu')).toBeUndefined();
    for (const f of built.none) expect(JSON.stringify(f.json)).not.toContain('DCGM_');
  });

  it('the datasource uid passed in is the one used', () => {
    const other = buildDashboards({ profile: 'gb10', datasourceUid: 'obsctl-prometheus' });
    for (const f of other) {
      expect(JSON.stringify(f.json)).toContain('"uid":"obsctl-prometheus"');
      expect(JSON.stringify(f.json)).not.toContain(DS);
    }
    expect(() => buildDashboards({ profile: 'gb10', datasourceUid: '${DS_PROMETHEUS}' })).toThrow();
  });
});

describe('App dashboard and names.ts', () => {
  it('covers every app metric of names.ts (directly or through a recording rule)', () => {
    const app = built.none.find((f) => f.uid === 'obsctl-app')!;
    const used = new Set([
      ...exprsOf(app).flatMap((e) => parsePromQL(substituteGrafanaVars(e.expr)).metrics),
      ...recordingRules.flatMap((r) => parsePromQL(r.expr).metrics),
    ]);
    for (const m of Object.values(appMetrics)) {
      const names = m.type === 'histogram' ? [`${m.name}_bucket`] : [m.name];
      for (const n of names) expect(used.has(n), n).toBe(true);
    }
  });
});

describe.skipIf(!needs(BIN.nodeExporter, BIN.prometheus, BIN.alertmanager))('metric names are real', () => {
  let node: Set<string>;
  let prom: Set<string>;
  let am: Set<string>;

  beforeAll(async () => {
    requireBins(BIN.nodeExporter, BIN.prometheus, BIN.alertmanager);
    [node, prom, am] = await Promise.all([captureNodeExporter(), capturePrometheus(), captureAlertmanager()]);
  }, 60_000);

  function unknown(name: string, profile: Profile): string | undefined {
    if (name.startsWith('DCGM_')) {
      if (profile === 'none') return 'DCGM metric on a CPU-only profile';
      if (!dcgmNames.has(name)) return 'not in shared/fixtures/dcgm/t4-dcgm-exporter.prom';
      if (profile === 'gb10' && gb10Never(name)) return 'never emitted on GB10 (shared/docs/gb10-dcgm.md)';
      return undefined;
    }
    if (name.startsWith('node_')) return node.has(name) ? undefined : 'not exposed by prometheus-node-exporter';
    if (name.startsWith('prometheus_')) return prom.has(name) ? undefined : 'not exposed by prometheus';
    if (name.startsWith('alertmanager_')) return am.has(name) ? undefined : 'not exposed by alertmanager';
    if (prometheusSynthetic.has(name) || appNames.has(name) || recordedNames.has(name)) return undefined;
    return 'unknown metric';
  }

  it('captured something plausible', () => {
    expect(node.has('node_memory_MemTotal_bytes')).toBe(true);
    expect(prom.has('prometheus_tsdb_head_series')).toBe(true);
    expect(am.has('alertmanager_notifications_total')).toBe(true);
    expect(dcgmNames.has('DCGM_FI_DEV_GPU_TEMP')).toBe(true);
  });

  it.each(profiles)('every metric in the dashboards of profile %s exists', (profile) => {
    const bad: string[] = [];
    let count = 0;
    for (const f of built[profile]) {
      for (const e of exprsOf(f)) {
        for (const m of parsePromQL(substituteGrafanaVars(e.expr)).metrics) {
          count++;
          const why = unknown(m, profile);
          if (why) bad.push(`${e.dashboard} ${e.where}: ${m}: ${why}`);
        }
      }
    }
    expect(count).toBeGreaterThan(50);
    expect(bad).toEqual([]);
  });

  it('every metric in the recording rules exists (CPU-only profile: no GPU in these files)', () => {
    const bad: string[] = [];
    for (const r of recordingRules) {
      const { errors, metrics } = parsePromQL(r.expr);
      bad.push(...errors.map((e) => `${r.file} ${r.record}: ${e}`));
      const profile: Profile = r.file.startsWith('gpu') ? (r.file.includes('.gb10.') ? 'gb10' : 'nvidia') : 'none';
      for (const m of metrics) {
        const why = unknown(m, profile);
        if (why) bad.push(`${r.file} ${r.record}: ${m}: ${why}`);
      }
    }
    expect(bad).toEqual([]);
  });
});

describe('recording rules (alerts/recording)', () => {
  it('are named level:metric:operations and each is used by a dashboard', () => {
    const used = new Set(
      profiles.flatMap((p) => built[p].flatMap((f) => exprsOf(f).flatMap((e) => parsePromQL(substituteGrafanaVars(e.expr)).metrics))),
    );
    // a rule read only by a later rule of the same files counts as used
    for (const r of recordingRules) for (const m of parsePromQL(r.expr).metrics) used.add(m);
    for (const r of recordingRules) {
      expect(r.record, `${r.file}: only recording rules here`).toBeDefined();
      expect(r.record).toMatch(/^[a-z_]+:[a-zA-Z0-9_]+:[a-z0-9_]+$/);
      expect(used.has(r.record!), `${r.record} unused`).toBe(true);
    }
  });

  it('each rules file has a promtool test file that tests every rule', () => {
    for (const f of ruleFiles) {
      const testFile = f.replace(/\.rules\.yml$/, '.test.yml');
      expect(existsSync(path.join(recordingDir, testFile)), testFile).toBe(true);
      const t = parseYaml(readFileSync(path.join(recordingDir, testFile), 'utf8')) as {
        rule_files: string[];
        tests: Array<{ promql_expr_test?: Array<{ expr: string }> }>;
      };
      expect(t.rule_files).toEqual([f]);
      const tested = new Set(t.tests.flatMap((x) => x.promql_expr_test ?? []).flatMap((x) => parsePromQL(x.expr).metrics));
      for (const r of loadRules(f).groups.flatMap((g) => g.rules)) expect(tested.has(r.record!), `${f}: ${r.record} untested`).toBe(true);
    }
  });

  it.skipIf(!needs(BIN.promtool))('pass promtool check rules and promtool test rules', () => {
    requireBins(BIN.promtool);
    for (const f of ruleFiles) {
      const check = spawnSync(BIN.promtool, ['check', 'rules', f], { cwd: recordingDir, encoding: 'utf8' });
      expect(check.status, `promtool check rules ${f}\n${check.stdout}${check.stderr}`).toBe(0);
      const testFile = f.replace(/\.rules\.yml$/, '.test.yml');
      const test = spawnSync(BIN.promtool, ['test', 'rules', testFile], { cwd: recordingDir, encoding: 'utf8' });
      expect(test.status, `promtool test rules ${testFile}\n${test.stdout}${test.stderr}`).toBe(0);
    }
  });
});
