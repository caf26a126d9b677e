// Issue 18 end to end: the postgres, redis, pushgateway, vllm and sglang integrations. One stack (real
// Prometheus, Alertmanager, and the Debian builds of postgres_exporter, redis_exporter and the
// Pushgateway from docker/build-integration-images.sh) next to a real PostgreSQL 17 (max_connections
// 10) and Redis 8 (Debian builds too), and fixture servers replaying the recorded real vLLM and
// SGLang /metrics output (test/fixtures/, test/e2e/replay-server.mjs): all joined to the stack's
// network. Proves: the DSN and the Redis password reach the exporters as secrets (never in the
// container's environment), the series are there and `verify` passes with every integration
// dashboard query returning data (vLLM and SGLang from the replays, their p95s the recorded ones),
// PostgreSQL connections opened until the server refuses more fire PostgresConnectionsNearMax, a
// batch job's push goes stale (PushgatewayJobStale, threshold lowered to 20 s), and stopping Redis,
// PostgreSQL and the vLLM and SGLang servers fires RedisDown, PostgresDown, VLLMDown and SGLangDown
// into Alertmanager.
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOnce, dockerUnavailable, editConfig, freePort, obsctl, promQuery, repoRoot, skipOrFail, stackPorts, tempProject, testImages, useTestStack, waitFor } from './harness.js';

const integrationImages = {
  'postgres-exporter': 'obsctl-test/postgres-exporter:0.17',
  'redis-exporter': 'obsctl-test/redis-exporter:1.69',
  pushgateway: 'obsctl-test/pushgateway:1.11',
};
const servers = { postgres: 'obsctl-test/postgres:17', redis: 'obsctl-test/redis:8', replay: testImages['dcgm-simulator'] };
const replays = [
  { alias: 'e2e-vllm', port: 8000, file: path.join(repoRoot, 'test', 'fixtures', 'vllm', 'vllm-0.4.3-opt-125m.prom') },
  { alias: 'e2e-sglang', port: 30000, file: path.join(repoRoot, 'test', 'fixtures', 'sglang', 'sglang-0.4-llama-3.1-8b.prom') },
];
const MAX_CONNECTIONS = 10;

async function missingImages(): Promise<string | undefined> {
  for (const image of [...Object.values(integrationImages), ...Object.values(servers)]) {
    const r = await execa('docker', ['image', 'inspect', image], { reject: false });
    if (r.exitCode !== 0) return `local test image ${image} missing (run bash docker/build-integration-images.sh)`;
  }
  return undefined;
}

const reason = (await dockerUnavailable()) ?? (await missingImages());
if (reason) skipOrFail(reason);

interface Check {
  name: string;
  status: string;
  reason: string;
}

describe.skipIf(Boolean(reason))('integrations against real PostgreSQL, Redis and a Pushgateway', () => {
  const dir = tempProject('e2e-integrations');
  const project = `inf-integ-${process.pid}`;
  const subnetByte = 250 + (process.pid % 4); // other e2e files use 10-249
  const pgPassword = `pg-${process.pid}-secret`;
  const redisPassword = `redis-${process.pid}-secret`;
  const env = { E2E_PG_DSN: `postgresql://postgres:${pgPassword}@e2e-postgres:5432/postgres?sslmode=disable` };
  const dbContainers = [`${project}-postgres`, `${project}-redis`, `${project}-vllm`, `${project}-sglang`];
  const clients: pg.Client[] = [];
  let prom = '';
  let am = '';
  let pushgateway = '';
  let pgPort = 0;

  const containerId = async (service: string) =>
    String((await execa('docker', ['ps', '-aq', '--filter', `label=com.docker.compose.project=${project}`, '--filter', `label=com.docker.compose.service=${service}`])).stdout).trim();
  /** The alert active in Alertmanager; saw() gets every alert Alertmanager holds (what did arrive). */
  const firingInAlertmanager = async (alertname: string, saw: <V>(v: V) => V) => {
    const all = (await (await fetch(`${am}/api/v2/alerts`)).json()) as { labels: Record<string, string>; status: { state: string } }[];
    saw(all.map((a) => `${a.labels.alertname} ${a.status.state}`));
    return all.find((a) => a.labels.alertname === alertname && a.status.state === 'active');
  };

  beforeAll(async () => {
    await buildOnce();
    const ports = await stackPorts();
    const pushPort = await freePort();
    pgPort = await freePort();
    prom = `http://127.0.0.1:${ports.prometheus}`;
    am = `http://127.0.0.1:${ports.alertmanager}`;
    pushgateway = `http://127.0.0.1:${pushPort}`;
    expect((await obsctl(dir, ['init', '--name', project, '--gpu', 'none'])).code).toBe(0);
    fs.writeFileSync(path.join(dir, 'redis.pass'), `${redisPassword}\n`, { mode: 0o600 });
    editConfig(dir, (set) => {
      useTestStack(set, subnetByte, ports);
      set(['images'], { ...testImages, ...integrationImages, pull_policy: 'never' });
      set(['integrations'], {
        postgres: { dsn: { env: 'E2E_PG_DSN' } },
        redis: { address: 'e2e-redis:6379', password: { file: './redis.pass' } },
        pushgateway: { enabled: true, port: pushPort },
        vllm: { urls: ['e2e-vllm:8000'] },
        sglang: { urls: ['e2e-sglang:30000'] },
      });
      set(['alerts', 'pushgateway'], { max_push_age_seconds: 20 });
    });
    const up = await obsctl(dir, ['up'], env);
    expect(up.code, `${up.stdout}\n${up.stderr}`).toBe(0);
    // The servers join the stack's network under the names the DSN and address use.
    const network = `${project}_obsctl`;
    await execa('docker', ['run', '-d', '--name', dbContainers[0]!, '--network', network, '--network-alias', 'e2e-postgres', '-p', `127.0.0.1:${pgPort}:5432`, '-e', `POSTGRES_PASSWORD=${pgPassword}`, servers.postgres, '-c', `max_connections=${MAX_CONNECTIONS}`]);
    await execa('docker', ['run', '-d', '--name', dbContainers[1]!, '--network', network, '--network-alias', 'e2e-redis', servers.redis, '--protected-mode', 'no', '--save', '', '--requirepass', redisPassword]);
    for (const [i, r] of replays.entries()) {
      await execa('docker', [
        'run', '-d', '--name', dbContainers[2 + i]!, '--network', network, '--network-alias', r.alias, '-e', `REPLAY_PORT=${r.port}`,
        '-v', `${r.file}:/replay/metrics.prom:ro`, '-v', `${path.join(repoRoot, 'test', 'e2e', 'replay-server.mjs')}:/replay/replay-server.mjs:ro`,
        servers.replay, 'node', '/replay/replay-server.mjs',
      ]);
    }
  }, 400_000);

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
    await execa('docker', ['rm', '-f', ...dbContainers], { reject: false });
    await obsctl(dir, ['down', '--volumes', '--yes'], env);
  });

  it('hands the DSN and the Redis password over as secrets, never in the environment', async () => {
    for (const service of ['postgres-exporter', 'redis-exporter']) {
      const inspect = String((await execa('docker', ['inspect', await containerId(service)])).stdout);
      expect(inspect, service).not.toContain(pgPassword);
      expect(inspect, service).not.toContain(redisPassword);
    }
    expect(fs.readFileSync(path.join(dir, '.obsctl', 'stack', 'compose.yaml'), 'utf8')).not.toMatch(new RegExp(`${pgPassword}|${redisPassword}`));
  });

  it('PostgreSQL connections opened until the server refuses more ("too many clients")', async () => {
    // Both of the exporter's connections first (its legacy and collector queries), then ours.
    await waitFor('the exporter connected', async (saw) => {
      saw(await promQuery(prom, 'pg_up'));
      return (await promQuery(prom, 'pg_up == 1 and on() count(pg_stat_database_xact_commit) > 0')).length > 0;
    }, 90_000);
    let refused: (Error & { code?: string }) | undefined;
    for (let i = 0; i < MAX_CONNECTIONS && !refused; i++) {
      const c = new pg.Client({ host: '127.0.0.1', port: pgPort, user: 'postgres', password: pgPassword, database: 'postgres' });
      c.on('error', () => undefined); // the server goes away in the last test
      try {
        await c.connect();
        clients.push(c);
      } catch (e) {
        refused = e as Error & { code?: string };
      }
    }
    expect(refused?.code, String(refused)).toBe('53300'); // too_many_connections
    expect(clients.length).toBeGreaterThanOrEqual(MAX_CONNECTIONS - 3);
    // One slot back: the exporter opens a connection per scrape for its pg_stat_database queries
    // (its pg_up connection stays open); 9 of 10 in use is still above the 0.8 default.
    await clients.pop()!.end();
    await waitFor('pg_stat_activity_count near max_connections, the exporter scraping again', async (saw) => {
      saw(await promQuery(prom, 'sum(pg_stat_activity_count{job="postgres"})'));
      const r = await promQuery(prom, 'sum(pg_stat_activity_count{job="postgres"}) / max(pg_settings_max_connections{job="postgres"}) > 0.8 and on() count(pg_stat_database_xact_commit{job="postgres"}) > 0');
      return r.length > 0;
    }, 90_000);
  }, 200_000);

  it('a batch job pushes: its group is scraped; verify passes with every integration dashboard returning data', async () => {
    const push = await fetch(`${pushgateway}/metrics/job/e2e-batch/instance/runner-1`, { method: 'PUT', body: 'e2e_batch_rows_processed 42\n' });
    expect(push.status).toBe(200);
    await waitFor('the pushed group in Prometheus', async (saw) => saw(await promQuery(prom, 'push_time_seconds')).some((s) => s.metric.job === 'e2e-batch'), 60_000);
    const r = await obsctl(dir, ['verify', '--wait', '120s', '--json'], env);
    const body = r.json() as { ok: boolean; checks: Check[] };
    const failed = body.checks.filter((c) => c.status === 'fail');
    expect(failed, JSON.stringify(failed, null, 2)).toEqual([]);
    for (const title of ['PostgreSQL', 'Redis', 'Batch jobs (Pushgateway)', 'vLLM', 'SGLang']) {
      expect(body.checks.find((c) => c.name === `dashboard obsctl / ${title}`)?.status, title).toBe('pass');
    }
    // Series that exist only while the exporters are connected to the real servers.
    expect((await promQuery(prom, 'pg_up{job="postgres"}'))[0]?.value[1]).toBe('1');
    expect((await promQuery(prom, 'pg_stat_database_xact_commit{job="postgres",datname="postgres"}')).length).toBe(1);
    expect((await promQuery(prom, 'redis_up{job="redis"}'))[0]?.value[1]).toBe('1');
    expect((await promQuery(prom, 'redis_connected_clients{job="redis"}')).length).toBe(1);
    // The replayed vLLM server: its labels as recorded, and the recorded TTFT distribution (one
    // request in the (0.25, 0.5] s bucket) back from the real Prometheus as the dashboard's p95.
    expect((await promQuery(prom, 'vllm:num_requests_running{job="vllm"}'))[0]?.metric).toMatchObject({ instance: 'e2e-vllm:8000', model_name: 'facebook/opt-125m' });
    const p95 = await waitFor('TTFT p95 from the replay', async (saw) => {
      const r = saw(await promQuery(prom, 'histogram_quantile(0.95, sum by (le) (rate(vllm:time_to_first_token_seconds_bucket{job="vllm"}[1m])))'));
      const v = Number(r[0]?.value[1]);
      return Number.isFinite(v) ? v : undefined;
    }, 60_000, 2000);
    expect(p95).toBeCloseTo(0.4875, 3);
    // SGLang's recorded time per output token (7.4 million tokens): p95 0.1498 s.
    expect((await promQuery(prom, 'sglang:num_queue_reqs{job="sglang"}'))[0]?.value[1]).toBe('2826');
    // A rate over 1m needs two scrapes of the SGLang replay too, which need not have come with vLLM's.
    const tpot = await waitFor('TPOT p95 from the replay', async (saw) => {
      const r = saw(await promQuery(prom, 'histogram_quantile(0.95, sum by (le) (rate(sglang:time_per_output_token_seconds_bucket{job="sglang"}[1m])))'));
      const v = Number(r[0]?.value[1]);
      return Number.isFinite(v) ? v : undefined;
    }, 60_000, 2000);
    expect(tpot).toBeCloseTo(0.1498, 3);
  }, 420_000); // 60 s, verify's 120 s, 60 s + 60 s of waits

  it('the pushed group goes stale: PushgatewayJobStale reaches Alertmanager', async () => {
    const alert = await waitFor('PushgatewayJobStale in Alertmanager', (saw) => firingInAlertmanager('PushgatewayJobStale', saw), 120_000, 2000);
    expect(alert.labels).toMatchObject({ job: 'e2e-batch', severity: 'warning', pack: 'pushgateway' });
  }, 150_000);

  it('PostgreSQL at max_connections: PostgresConnectionsNearMax reaches Alertmanager', async () => {
    // The rule waits 5 minutes (for: 5m) from the moment the connections were opened above.
    const alert = await waitFor('PostgresConnectionsNearMax in Alertmanager', (saw) => firingInAlertmanager('PostgresConnectionsNearMax', saw), 420_000, 5000);
    expect(alert.labels).toMatchObject({ job: 'postgres', instance: 'postgres-exporter:9187', severity: 'warning', pack: 'postgres' });
    await Promise.all(clients.splice(0).map((c) => c.end()));
  }, 450_000);

  it('Redis, PostgreSQL and the vLLM and SGLang servers stopped: RedisDown, PostgresDown, VLLMDown and SGLangDown reach Alertmanager', async () => {
    await execa('docker', ['stop', '-t', '2', ...dbContainers]);
    await waitFor('redis_up and pg_up 0', async (saw) => {
      saw(await promQuery(prom, 'redis_up or pg_up'));
      return (await promQuery(prom, 'redis_up == 0 or pg_up == 0')).length === 2;
    }, 60_000);
    const redis = await waitFor('RedisDown in Alertmanager', (saw) => firingInAlertmanager('RedisDown', saw), 150_000, 3000);
    expect(redis.labels).toMatchObject({ job: 'redis', severity: 'critical', pack: 'redis', instance: 'redis-exporter:9121' });
    const postgres = await waitFor('PostgresDown in Alertmanager', (saw) => firingInAlertmanager('PostgresDown', saw), 150_000, 3000);
    expect(postgres.labels).toMatchObject({ job: 'postgres', severity: 'critical', pack: 'postgres', instance: 'postgres-exporter:9187' });
    const vllm = await waitFor('VLLMDown in Alertmanager', (saw) => firingInAlertmanager('VLLMDown', saw), 150_000, 3000);
    expect(vllm.labels).toMatchObject({ job: 'vllm', severity: 'critical', pack: 'vllm', instance: 'e2e-vllm:8000' });
    const sglang = await waitFor('SGLangDown in Alertmanager', (saw) => firingInAlertmanager('SGLangDown', saw), 60_000, 3000);
    expect(sglang.labels).toMatchObject({ job: 'sglang', severity: 'critical', pack: 'sglang', instance: 'e2e-sglang:30000' });
  }, 600_000); // 60 s + 3 × 150 s + 60 s of waits
});
