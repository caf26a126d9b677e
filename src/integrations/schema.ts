// The `integrations:` section of obsctl.yaml: the services a GPU host runs next to the model, each
// one config entry that brings an exporter (or a scrape job), an alert pack, a dashboard and the
// series `verify` requires. Secrets are references only ({env} or {file}), never values.
import { z } from 'zod';
import { positiveDuration, targetUrl, threshold } from '../config/values.js';

/** Kept local (not imported from schema.ts) so this module does not import its importer. */
const envVarName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: 'an environment variable name' });
const secretRef = z.union([
  z.strictObject({ env: envVarName.describe('read the secret from this environment variable when obsctl runs') }),
  z.strictObject({ file: z.string().min(1).describe('read the secret from this file on the host (absolute, or relative to obsctl.yaml)') }),
]).describe('a secret reference: {env: NAME} or {file: PATH}; never the secret itself');

const postgres = z
  .strictObject({
    dsn: secretRef.describe('PostgreSQL connection URI, e.g. postgresql://monitor:PASS@db.internal:5432/postgres?sslmode=disable (the whole URI is the secret)'),
  })
  .describe('runs prometheus-postgres-exporter against this server');

const redis = z
  .strictObject({
    address: z
      .string()
      .regex(/^(rediss?:\/\/)?[A-Za-z0-9.\-_]+:\d{1,5}$/, { message: 'host:port (or redis://host:port) of the Redis server' })
      .describe('host:port of the Redis server; localhost means the host the stack runs on'),
    password: secretRef.optional().describe('the Redis AUTH password, if the server requires one'),
  })
  .describe('runs redis_exporter against this server');

const pushgateway = z
  .strictObject({
    enabled: z.boolean().default(true),
    port: z.number().int().min(1).max(65535).default(9091).describe('published on the listen address, for batch jobs on this host to push to'),
    retention: z
      .enum(['until-deleted'])
      .default('until-deleted')
      .describe('pushed groups stay until the job (or you) DELETEs them; persisted across restarts in the pushgateway-data volume'),
  })
  .describe('a Pushgateway for batch jobs; pushed groups are kept until deleted');

const vllm = z
  .strictObject({
    urls: z.array(targetUrl).min(1).describe('host:port of each vLLM OpenAI-compatible server (its own /metrics)'),
    interval: positiveDuration.optional().describe('scrape interval; defaults to prometheus.scrape_interval'),
  })
  .describe('scrapes vLLM servers\' own /metrics');

const sglang = z
  .strictObject({
    urls: z.array(targetUrl).min(1).describe('host:port of each SGLang server started with --enable-metrics (its own /metrics)'),
    interval: positiveDuration.optional().describe('scrape interval; defaults to prometheus.scrape_interval'),
  })
  .describe('scrapes SGLang servers\' own /metrics (launched with --enable-metrics)');

export const integrationsSchema = z
  .strictObject({
    postgres: postgres.optional(),
    redis: redis.optional(),
    pushgateway: pushgateway.optional(),
    vllm: vllm.optional(),
    sglang: sglang.optional(),
  })
  .prefault({})
  .describe('services next to the model: each entry brings an exporter or scrape job, alerts, a dashboard, and verify\'s required series');

export const integrationNames = ['postgres', 'redis', 'pushgateway', 'vllm', 'sglang'] as const;
export type IntegrationName = (typeof integrationNames)[number];

const gt0 = { message: 'a number greater than 0' };
/** Thresholds of the integration alert packs (alerts/<name>/), set under alerts.<name> like the others. */
export const integrationThresholds = {
  postgres: {
    connections_used_ratio: threshold(0, 1).default(0.8).describe('share of max_connections in use that alerts (PostgresConnectionsNearMax)'),
    replication_lag_seconds: threshold(0, 86_400).refine((n) => n > 0, gt0).default(60).describe('replica lag that alerts (PostgresReplicationLag)'),
    long_transaction_seconds: threshold(0, 86_400).refine((n) => n > 0, gt0).default(600).describe('age of the oldest open transaction that alerts (PostgresLongTransaction)'),
  },
  redis: {
    memory_used_ratio: threshold(0, 1).default(0.9).describe('used memory / maxmemory that alerts (RedisMemoryNearMax); silent without a maxmemory'),
    clients_used_ratio: threshold(0, 1).default(0.85).describe('connected clients / maxclients that alerts (RedisClientsNearMax)'),
  },
  pushgateway: {
    max_push_age_seconds: threshold(0, 31_536_000).refine((n) => n > 0, gt0).default(90_000).describe('a pushed group older than this is stale (PushgatewayJobStale); default 25h suits daily jobs'),
  },
  vllm: {
    kv_cache_used_ratio: threshold(0, 1).default(0.95).describe('KV-cache usage that alerts (VLLMKVCacheNearFull)'),
    waiting_requests: z.number().int().positive().max(1_000_000).default(10).describe('requests waiting above which a growing queue alerts (VLLMRequestsQueued)'),
    ttft_p95_seconds: threshold(0, 3600).refine((n) => n > 0, gt0).default(2).describe('time-to-first-token p95 SLO (VLLMTimeToFirstTokenHigh)'),
    itl_p95_seconds: threshold(0, 3600).refine((n) => n > 0, gt0).default(0.1).describe('inter-token latency p95 SLO (VLLMInterTokenLatencyHigh)'),
  },
  sglang: {
    token_usage_ratio: threshold(0, 1).default(0.95).describe('share of the KV-cache token pool in use that alerts (SGLangTokenUsageHigh)'),
    queued_requests: z.number().int().positive().max(1_000_000).default(10).describe('queued requests above which a growing queue alerts (SGLangRequestsQueued)'),
    ttft_p95_seconds: threshold(0, 3600).refine((n) => n > 0, gt0).default(2).describe('time-to-first-token p95 SLO (SGLangTimeToFirstTokenHigh)'),
    tpot_p95_seconds: threshold(0, 3600).refine((n) => n > 0, gt0).default(0.1).describe('time-per-output-token p95 SLO (SGLangTimePerOutputTokenHigh)'),
  },
} as const;

export type IntegrationsConfig = z.output<typeof integrationsSchema>;
