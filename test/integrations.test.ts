// Integrations (issue 18): each configured integration brings its exporter service (or scrape job),
// its alert pack, its dashboard and verify's required series; secrets stay references; nothing
// appears for an integration that is not configured. Dashboards name only metrics the exporters
// really export: vLLM's and SGLang's from the recorded real output in test/fixtures/{vllm,sglang}.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parser } from '@prometheus-io/lezer-promql';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseConfigText } from '../src/config/load.js';
import { loadContent } from '../src/content.js';
import { render } from '../src/render/index.js';

const full = `
integrations:
  postgres: {dsn: {env: PG_DSN}}
  redis: {address: localhost:6379, password: {file: ./redis.pass}}
  pushgateway: {enabled: true}
  vllm: {urls: [localhost:8000]}
  sglang: {urls: [localhost:30000]}
`;

function renderText(text: string, profile: 'none' | 'gb10' | 'nvidia' = 'none') {
  const loaded = parseConfigText(text);
  if (!loaded.config) throw new Error(JSON.stringify(loaded.errors));
  return render(loaded.config, { profile }, loadContent());
}
const file = (r: ReturnType<typeof render>, p: string) => r.files.find((f) => f.path === p)?.content ?? '';

function metricNames(expr: string): string[] {
  const names: string[] = [];
  parser.parse(expr).iterate({
    enter(node) {
      if (node.name === 'Identifier' && node.node.parent?.name === 'VectorSelector') names.push(expr.slice(node.from, node.to));
    },
  });
  return names;
}

describe('integrations: config', () => {
  it('refuses a secret written inline, with where it is', () => {
    const r = parseConfigText('integrations:\n  postgres:\n    dsn: postgresql://u:hunter2@db:5432/x\n');
    expect(r.config).toBeUndefined();
    expect(JSON.stringify(r.errors)).toContain('integrations.postgres.dsn');
    expect(JSON.stringify(r.errors)).toContain('"line":3');
  });

  it('refuses an unknown integration and a malformed Redis address', () => {
    expect(parseConfigText('integrations:\n  mongodb: {}\n').config).toBeUndefined();
    expect(parseConfigText('integrations:\n  redis: {address: "not an address"}\n').config).toBeUndefined();
  });
});

describe('integrations: render', () => {
  const r = renderText(full);
  const compose = parse(file(r, 'compose.yaml')) as { services: Record<string, Record<string, unknown>>; secrets: Record<string, unknown>; volumes: Record<string, unknown> };

  it('runs one exporter service per integration that needs one, with a health check', () => {
    for (const s of ['postgres-exporter', 'redis-exporter', 'pushgateway']) {
      expect(compose.services[s], s).toBeDefined();
      expect(compose.services[s]!.healthcheck, s).toBeDefined();
    }
    expect(compose.services.vllm).toBeUndefined(); // scraped directly
    expect(compose.services.sglang).toBeUndefined();
    expect(Object.keys(compose.volumes)).toContain('pushgateway-data');
  });

  it('keeps secrets out of every file: the exporters read them from Compose secrets', () => {
    expect(compose.services['postgres-exporter']!.secrets).toEqual(['integration_postgres_dsn']);
    expect(compose.services['redis-exporter']!.secrets).toEqual(['integration_redis_password']);
    expect(Object.keys(compose.secrets)).toEqual(expect.arrayContaining(['integration_postgres_dsn', 'integration_redis_password']));
    expect(r.manifest.secrets.find((s) => s.name === 'integration_postgres_dsn')).toMatchObject({ source: 'env', services: ['postgres-exporter'] });
    expect(r.manifest.secrets.find((s) => s.name === 'integration_redis_password')).toMatchObject({ source: 'file', services: ['redis-exporter'] });
    // `$` reaches the shell, not Compose's interpolation.
    expect(file(r, 'compose.yaml')).toContain('DATA_SOURCE_NAME="$$(cat /run/secrets/integration_postgres_dsn)"');
  });

  it('scrapes each integration with the required series verify checks', () => {
    const jobs = Object.fromEntries(r.manifest.scrapeJobs.map((j) => [j.name, j]));
    expect(jobs.postgres!.targets).toEqual(['postgres-exporter:9187']);
    expect(jobs.postgres!.requiredMetrics).toContain('pg_stat_database_xact_commit');
    expect(jobs.redis!.requiredMetrics).toContain('redis_connected_clients');
    expect(jobs.pushgateway!.requiredMetrics).toEqual(['pushgateway_build_info']);
    expect(jobs.vllm!.targets).toEqual(['host.docker.internal:8000']);
    expect(jobs.vllm!.requiredMetrics).toContain('vllm:num_requests_running');
    expect(jobs.sglang!.targets).toEqual(['host.docker.internal:30000']);
    expect(jobs.sglang!.requiredMetrics).toContain('sglang:num_running_reqs');
    const prom = parse(file(r, 'prometheus/prometheus.yml')) as { scrape_configs: Record<string, unknown>[] };
    expect(prom.scrape_configs.find((j) => j.job_name === 'pushgateway')!.honor_labels).toBe(true);
  });

  it('renders each integration pack with its promtool test, and a dashboard each', () => {
    for (const pack of ['postgres', 'redis', 'pushgateway', 'vllm', 'sglang']) {
      expect(file(r, `prometheus/rules/${pack}-${pack}.rules.yml`), pack).toContain(`pack: ${pack}`);
      expect(file(r, `prometheus/tests/${pack}-${pack}.test.yml`), pack).toContain(`../rules/${pack}-${pack}.rules.yml`);
    }
    expect(r.manifest.dashboards.map((d) => d.uid)).toEqual(expect.arrayContaining(['obsctl-postgres', 'obsctl-redis', 'obsctl-pushgateway', 'obsctl-vllm', 'obsctl-sglang']));
  });

  it('brings nothing for an integration that is not configured', () => {
    const plain = renderText('');
    expect(plain.files.some((f) => /postgres|redis|pushgateway|vllm|sglang/.test(f.path))).toBe(false);
    expect(file(plain, 'compose.yaml')).not.toMatch(/postgres|redis|pushgateway/);
    const onlyRedis = renderText('integrations:\n  redis: {address: "10.0.0.5:6379"}\n');
    expect(onlyRedis.services).toContain('redis-exporter');
    expect(onlyRedis.services).not.toContain('postgres-exporter');
    expect(onlyRedis.files.map((f) => f.path)).not.toContain('prometheus/rules/vllm-vllm.rules.yml');
    // No password: no secret, and the image's own entrypoint.
    const redis = (parse(file(onlyRedis, 'compose.yaml')) as { services: Record<string, Record<string, unknown>> }).services['redis-exporter']!;
    expect(redis.entrypoint).toBeUndefined();
    expect(redis.environment).toMatchObject({ REDIS_ADDR: 'redis://10.0.0.5:6379' });
  });
});

describe.each([
  ['vllm', 'vLLM'],
  ['sglang', 'SGLang'],
] as const)('%s dashboard', (name, title) => {
  const fixtures = path.join(import.meta.dirname, 'fixtures', name);
  const recorded = new Set(
    readdirSync(fixtures)
      .filter((f) => f.endsWith('.prom'))
      .flatMap((f) => [...readFileSync(path.join(fixtures, f), 'utf8').matchAll(new RegExp(`^(?:# TYPE )?(${name}:\\w+?)(_bucket|_count|_sum)?[{ ]`, 'gm'))])
      .flatMap((m) => [m[1]!, `${m[1]}${m[2] ?? ''}`]),
  );

  it.each(['none', 'gb10', 'nvidia'] as const)(`names only recorded ${title} metrics, and DCGM ones only with a GPU (%s)`, (profile) => {
    const r = renderText(full, profile);
    const d = r.manifest.dashboards.find((x) => x.uid === `obsctl-${name}`)!;
    const names = d.queries.flatMap((q) => metricNames(q.expr.replace(/\$__rate_interval|\$__range/g, '5m').replace(/\$\w+/g, 'x')));
    const own = names.filter((n) => n.startsWith(`${name}:`));
    expect(own.length).toBeGreaterThan(10);
    for (const n of own) expect(recorded, n).toContain(n);
    const dcgm = names.filter((n) => n.startsWith('DCGM_'));
    if (profile === 'none') expect(dcgm).toEqual([]);
    else expect(dcgm.length).toBeGreaterThan(0);
    if (profile === 'gb10') expect(dcgm.some((n) => /FB_USED/.test(n))).toBe(false);
  });
});

describe('obsctl add integration (document edit)', () => {
  const start = '# my stack\nname: lab # the name\ntargets: []\n';

  it('adds each integration keeping comments; the result renders its services', async () => {
    const { addIntegration } = await import('../src/config/edit.js');
    const { integrationEntry } = await import('../src/app/add-integration.js');
    let text = start;
    for (const args of [
      { name: 'postgres', secretEnv: 'PG_DSN' },
      { name: 'redis', value: 'localhost:6379', secretFile: './redis.pass' },
      { name: 'pushgateway' },
      { name: 'vllm', value: 'localhost:8000,localhost:8001' },
      { name: 'sglang', value: 'localhost:30000' },
    ]) {
      const r = addIntegration(text, args.name, integrationEntry(args));
      expect(r.errors).toEqual([]);
      text = r.text!;
    }
    expect(text).toContain('# my stack');
    expect(text).toContain('# the name');
    expect(parse(text).integrations).toEqual({
      postgres: { dsn: { env: 'PG_DSN' } },
      redis: { address: 'localhost:6379', password: { file: './redis.pass' } },
      pushgateway: { enabled: true },
      vllm: { urls: ['localhost:8000', 'localhost:8001'] },
      sglang: { urls: ['localhost:30000'] },
    });
    expect(renderText(text).services).toEqual(expect.arrayContaining(['postgres-exporter', 'redis-exporter', 'pushgateway']));
  });

  it('refuses a postgres without a secret reference and a malformed address, writing nothing', async () => {
    const { addIntegration } = await import('../src/config/edit.js');
    const { integrationEntry } = await import('../src/app/add-integration.js');
    expect(() => integrationEntry({ name: 'postgres' })).toThrow(/secret/);
    expect(() => integrationEntry({ name: 'mongodb' })).toThrow(/unknown integration/);
    const bad = addIntegration(start, 'redis', integrationEntry({ name: 'redis', value: 'no port here' }));
    expect(bad.text).toBeUndefined();
    expect(JSON.stringify(bad.errors)).toContain('integrations.redis.address');
  });
});
