// The obsctl.yaml schema: the single source of truth for what a user may write. Everything else
// (the JSON Schema for editors, defaults, the normalized config the renderer reads) derives from it.
import { z } from 'zod';
// zod compiles a fast path per object schema with new Function() on its first parse: a process
// parses one obsctl.yaml, so compiling (uncacheable code) cost more than it saved: ~60-100 ms of a
// cold render, and the 1,000-target configs of bench/hostile-input.ts parse no slower (issue 15).
z.config({ jitless: true });
import { resourcesSchema } from './resources.js';
import { integrationsSchema, integrationThresholds } from '../integrations/schema.js';
import { MAX_HOSTS, MAX_TARGETS } from './limits.js';
import { imageRef, registryPrefix, byteSize, duration, groupByLabel, hostAddress, hostPort, httpUrl, ipv4Address, positiveDuration, subnet24, targetUrl, threshold, userLabelName } from './values.js';

const port = z.number().int().min(1).max(65535).describe('TCP port, 1-65535');
const labelName = userLabelName;
const labels = z.record(labelName, z.string()).describe('extra labels added to every series of this target');
const dnsName = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,62}$/, { message: 'lower-case letters, digits and -, starting with a letter (at most 63)' });
const envVarName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: 'an environment variable name' });

/** A secret is never written inline: it names an environment variable or a file on the host. */
export const secretRef = z.union([
  z.strictObject({ env: envVarName.describe('read the secret from this environment variable when obsctl runs') }),
  z.strictObject({ file: z.string().min(1).describe('read the secret from this file on the host (absolute, or relative to obsctl.yaml)') }),
]).describe('a secret reference: {env: NAME} or {file: PATH}; never the secret itself');

const image = imageRef.describe('image reference, e.g. prom/prometheus:v3.5.0');

const appTarget = z.strictObject({
  name: dnsName.describe('job name in Prometheus'),
  urls: z.array(targetUrl).min(1).describe('host:port or http(s)://host:port of each instance'),
  metrics_path: z.string().startsWith('/').default('/metrics'),
  scheme: z.enum(['http', 'https']).default('http'),
  interval: positiveDuration.optional().describe('scrape interval; defaults to prometheus.scrape_interval'),
  labels: labels.default({}),
  basic_auth: z
    .strictObject({ username: z.string().min(1), password: secretRef })
    .optional(),
  bearer_token: secretRef.optional(),
  required_metrics: z.array(z.string()).default([]).describe('series `obsctl verify` requires from this target'),
});

const receiverBase = { name: dnsName };
const receiver = z.discriminatedUnion('type', [
  z.strictObject({ ...receiverBase, type: z.literal('webhook'), url: secretRef, send_resolved: z.boolean().default(true) }),
  z.strictObject({ ...receiverBase, type: z.literal('slack'), api_url: secretRef, channel: z.string().min(1), send_resolved: z.boolean().default(true) }),
  z.strictObject({
    ...receiverBase,
    type: z.literal('email'),
    to: z.string().min(3),
    from: z.string().min(3),
    smarthost: hostPort,
    auth_username: z.string().optional(),
    auth_password: secretRef.optional(),
    require_tls: z.boolean().default(true),
  }),
  z.strictObject({ ...receiverBase, type: z.literal('pagerduty'), routing_key: secretRef, send_resolved: z.boolean().default(true) }),
]);

const route = z.strictObject({
  receiver: dnsName.describe('name of a receiver in alertmanager.receivers'),
  group_by: z.array(groupByLabel).default(['alertname', 'instance']),
  group_wait: duration.default('30s'),
  group_interval: positiveDuration.default('5m'),
  repeat_interval: positiveDuration.default('4h'),
  routes: z
    .array(
      z.strictObject({
        receiver: dnsName,
        matchers: z.array(z.string().min(1)).min(1).describe('Alertmanager matchers, e.g. severity="critical"'),
        continue: z.boolean().default(false),
      }),
    )
    .default([]),
});

const remoteWrite = z.strictObject({
  name: dnsName,
  url: httpUrl,
  queue: z
    .strictObject({
      capacity: z.number().int().positive().max(10_000_000).default(10000),
      max_shards: z.number().int().positive().max(10_000).default(10),
      max_samples_per_send: z.number().int().positive().max(1_000_000).default(2000),
    })
    .prefault({})
    .describe('remote_write queue; the defaults suit one to a few dozen hosts'),
  keep_metrics: z.string().optional().describe('regex of metric names to send (all when omitted), to keep long-term cardinality down'),
  drop_labels: z.array(userLabelName).default([]).describe('labels removed before sending (e.g. high-cardinality ones)'),
  basic_auth: z.strictObject({ username: z.string().min(1), password: secretRef }).optional(),
  bearer_token: secretRef.optional(),
});

const blackboxProbe = z.strictObject({
  name: dnsName,
  urls: z.array(httpUrl).min(1),
  module: z.enum(['http_2xx']).default('http_2xx'),
});

/** Alert packs and their thresholds. Names here are the placeholders used in alerts/ (<<pack.key>>). */
const thresholds = {
  gpu: {
    temperature_warning_celsius: threshold(-50, 200).default(83),
    temperature_critical_celsius: threshold(-50, 200).default(87),
    temperature_margin_celsius: threshold(0, 100).default(5).describe('warn this close to the GPU\'s own slowdown temperature, page this close to its shutdown temperature (where the GPU reports them)'),
    power_limit_percent: threshold(0, 100).refine((n) => n > 0, { message: 'a number greater than 0' }).default(98).describe('power draw, in percent of the GPU\'s enforced power limit, considered over the limit (where the GPU reports it)'),
    power_limit_watts: threshold(0, 100_000).refine((n) => n > 0, { message: 'a number greater than 0' }).default(300).describe('power draw considered over the limit for a GPU that reports no enforced power limit'),
    memory_used_ratio: threshold(0, 1).default(0.95).describe('GPU memory (unified on GB10) used ratio'),
    idle_util_percent: threshold(0, 100).default(5).describe('below this utilisation a GPU counts as idle (GPUIdleWhileJobsQueued)'),
  },
  host: {
    memory_available_ratio: threshold(0, 1).default(0.1),
    disk_free_ratio: threshold(0, 1).default(0.1),
    load_per_core: threshold(0, 10_000).refine((n) => n > 0, { message: 'a number greater than 0' }).default(2),
  },
  app: {
    error_ratio_slo: threshold(0, 1).default(0.01).describe('allowed error ratio (1% = 0.01)'),
    latency_p95_seconds: threshold(0, 86_400).refine((n) => n > 0, { message: 'a number greater than 0' }).default(2),
    job_failure_ratio: threshold(0, 1).default(0.05).describe('share of failed jobs that alerts (AppJobFailureRatioHigh)'),
    queue_depth: z.number().int().positive().max(1_000_000_000).default(100).describe('queue length above which a growing queue alerts (AppQueueGrowing)'),
  },
  stack: {},
  ...integrationThresholds,
} as const;

const enabled = z.boolean().default(true);

export const alertPackNames = ['gpu', 'host', 'app', 'stack', 'postgres', 'redis', 'pushgateway', 'vllm', 'sglang'] as const;
export type AlertPackName = (typeof alertPackNames)[number];

// Prometheus 3's OTLP metrics receiver (POST /api/v1/otlp/v1/metrics on the Prometheus port, so only
// on the stack network and the listen address).
const prometheusOtlp = z
  .strictObject({
    enabled: z.boolean().default(false).describe('accept OTLP/HTTP metrics at /api/v1/otlp/v1/metrics (--web.enable-otlp-receiver)'),
    promote_resource_attributes: z
      .array(z.string().min(1))
      .default(['service.namespace', 'service.version', 'deployment.environment.name', 'host.name'])
      .describe('OTel resource attributes copied onto every series as labels (service.name/instance.id already become job/instance)'),
    translation_strategy: z
      .enum(['NoUTF8EscapingWithSuffixes', 'UnderscoreEscapingWithSuffixes'])
      .default('NoUTF8EscapingWithSuffixes')
      .describe('NoUTF8EscapingWithSuffixes keeps OTel names as UTF-8 (dots stay) with _total/unit suffixes; UnderscoreEscapingWithSuffixes turns dots into underscores'),
  })
  .prefault({});

export const serviceNames = ['prometheus', 'alertmanager', 'grafana', 'node-exporter', 'dcgm-exporter', 'cadvisor', 'blackbox', 'dcgm-simulator', 'postgres-exporter', 'redis-exporter', 'pushgateway', 'victoria-metrics'] as const;
export type ServiceName = (typeof serviceNames)[number];

const hostEntry = z.strictObject({
  name: dnsName.describe('host name: the `host` label of its series'),
  address: hostAddress.describe('address the central stack reaches this host on (and its exporters listen on)'),
  role: z.enum(['node', 'central']).default('node').describe('node: exporters only; central: the full stack, scraping every node'),
  gpu: z.enum(['none', 'nvidia', 'gb10']).default('none').describe('GPU profile of this host'),
  labels: labels.default({}).describe('inventory labels (rack, site, owner) on every series and alert of this host'),
  ports: z
    .strictObject({ node_exporter: port.default(9100), dcgm_exporter: port.default(9400) })
    .prefault({}),
  network_subnet: subnet24
    .optional()
    .describe('private bridge network on this host, if not network.subnet'),
});

// HA central (src/render/ha.ts, docs/fleet.md): two Prometheus replicas, a two-peer Alertmanager
// cluster and VictoriaMetrics deduplicating what both replicas write, which Grafana reads.
const haCentralSchema = z
  .strictObject({
    replicas: z
      .number()
      .int()
      .min(1)
      .max(2)
      .default(1)
      .describe('2: HA central (two Prometheus replicas, two clustered Alertmanagers, Grafana reading the deduplicated VictoriaMetrics); 1: one of each'),
    ports: z
      .strictObject({
        prometheus_b: port.default(9190).describe('second Prometheus replica (UI on `listen`; agents remote-write to it on central\'s address)'),
        alertmanager_b: port.default(9193).describe('second Alertmanager peer (UI on `listen`)'),
        store: port.default(8428).describe('VictoriaMetrics, the deduplicated store Grafana reads (on `listen`)'),
      })
      .prefault({}),
  })
  .prefault({});

// How the nodes of an inventory reach central (docs/fleet.md). Absent = pull (what fleets had
// before agent mode existed); `obsctl init` writes agent for new configs.
const fleetSchema = z
  .strictObject({
    mode: z
      .enum(['pull', 'agent'])
      .default('pull')
      .describe('pull: central scrapes every node; agent: each node runs Prometheus --agent and remote-writes to central (its WAL buffers while central is away)'),
    tls: z
      .boolean()
      .default(false)
      .describe('pull: exporters serve HTTPS with client certificates and basic auth; agent: remote write to central does; certificates from `obsctl fleet-certs`'),
    receiver_port: port
      .optional()
      .describe('agent fleet with tls: port of the TLS remote-write receiver on central\'s address (default ports.prometheus; needed when listen is 0.0.0.0 or central\'s address)'),
    central: haCentralSchema,
  })
  .prefault({});

// SLOs as code (docs/slo.md). Cross-field rules (target exists, objective can page, retention
// covers the period, latency threshold is a bucket, custom selectors parse) live in src/slo/checks.ts.
const promqlSelector = z.string().min(1).describe('a PromQL series selector, e.g. grpc_server_handled_total{job="api"}');
const slo = z.strictObject({
  name: dnsName.describe('SLO name: the `slo` label of its rules and alerts'),
  target: dnsName.describe('a job from targets (or a blackbox probe) whose requests the SLI reads'),
  objective: z.number().gt(0).lt(100).describe('percent of good events over the period, e.g. 99.5'),
  period: duration.default('30d').describe('compliance period, 7d..90d; prometheus.retention_time must cover it'),
  sli: z
    .union([
      z.enum(['availability']),
      z.strictObject({ latency: z.strictObject({ threshold: duration.describe('a bucket bound of http_request_duration_seconds, e.g. 1s or 2500ms') }) }),
      z.strictObject({ errors: promqlSelector.describe('selector of the bad events counter'), total: promqlSelector.describe('selector of all events') }),
    ])
    .default('availability')
    .describe('availability (non-5xx), {latency: {threshold}}, or a custom {errors, total} pair of counter selectors'),
  min_requests: z.number().int().min(1).default(10).describe('burn alerts stay silent below this many requests in their long window'),
  runbook_url: z.string().regex(/^https?:\/\/\S+$/, { message: 'an http(s):// URL' }).optional().describe('runbook linked from the alerts (default: docs/slo.md)'),
});
const anomaly = z.strictObject({
  name: dnsName.describe('the `anomaly` label of its rules and alert'),
  target: dnsName.optional().describe('a job from targets: watch its request rate'),
  gpu_metric: z.string().regex(/^DCGM_FI_[A-Z0-9_]+$/, { message: 'a DCGM field name such as DCGM_FI_DEV_GPU_UTIL' }).optional().describe('a GPU metric to watch, per GPU'),
  z: z.number().positive().default(3).describe('|z-score| that counts as an anomaly'),
  for: duration.default('15m').describe('how long |z| must stay above before the info alert fires'),
});

export const configSchema = z
  .strictObject({
    name: dnsName.default('obsctl').describe('stack name: the Compose project name and the `stack` external label'),
    gpu: z
      .enum(['auto', 'none', 'nvidia', 'gb10'])
      .default('auto')
      .describe('host profile: auto detects with nvidia-smi; gb10 = DGX Spark (unified memory, no profiling fields)'),
    listen: ipv4Address
      .default('127.0.0.1')
      .describe('address the UIs are published on; 127.0.0.1 keeps them off the network'),
    network: z
      .strictObject({
        subnet: subnet24
          .default('172.30.254.0/24')
          .describe('private bridge network of the stack; node-exporter listens on its gateway (.1) only'),
      })
      .prefault({}),
    ports: z
      .strictObject({
        prometheus: port.default(9090),
        alertmanager: port.default(9093),
        grafana: port.default(3000),
        node_exporter: port.default(9100).describe('port on the stack network gateway, never on public interfaces'),
      })
      .prefault({}),
    images: z
      .strictObject({
        registry: registryPrefix.default('').describe('prefix for every image, e.g. registry.internal:5000/mirror'),
        prometheus: image.optional(),
        alertmanager: image.optional(),
        grafana: image.optional(),
        'node-exporter': image.optional(),
        'dcgm-exporter': image.optional(),
        cadvisor: image.optional(),
        blackbox: image.optional(),
        'dcgm-simulator': image.optional().describe('image that runs the simulated GPU exporter (--simulate-gpu); any Node >= 18 image'),
        'postgres-exporter': image.optional(),
        'redis-exporter': image.optional(),
        pushgateway: image.optional(),
        'victoria-metrics': image.optional().describe('fleet.central.replicas: 2 only: the deduplicating store'),
        pull_policy: z.enum(['missing', 'always', 'never']).default('missing'),
      })
      .prefault({}),
    exporters: z
      .strictObject({
        node: z.strictObject({ enabled: z.boolean().default(true) }).prefault({}),
        dcgm: z
          .strictObject({
            enabled: z.boolean().default(true).describe('only takes effect on a GPU profile'),
            collect_interval_ms: z.number().int().min(100).max(3_600_000).default(15000),
            profiling: z.boolean().default(false).describe('DCGM_FI_PROF_* fields; needs SYS_ADMIN; never on gb10'),
            extra_counters: z.array(z.string().regex(/^DCGM_FI_[A-Z0-9_]+$/)).default([]),
          })
          .prefault({}),
        cadvisor: z.strictObject({ enabled: z.boolean().default(false) }).prefault({}),
        blackbox: z.strictObject({ probes: z.array(blackboxProbe).default([]) }).prefault({}),
      })
      .prefault({}),
    targets: z.array(appTarget).max(MAX_TARGETS).default([]).describe('your own services to scrape'),
    integrations: integrationsSchema,
    hosts: z
      .array(hostEntry)
      .max(MAX_HOSTS)
      .default([])
      .describe('inventory for more than one host: one `central` runs the stack, `node`s run exporters; empty = this host alone'),
    fleet: fleetSchema,
    prometheus: z
      .strictObject({
        scrape_interval: positiveDuration.default('15s'),
        evaluation_interval: positiveDuration.default('15s'),
        retention_time: positiveDuration.default('30d'),
        retention_size: byteSize.default('20GB'),
        data_filesystem: z
          .string()
          .regex(/^\/[^"'\\\n]+$/, 'an absolute host path below / without quotes or backslashes')
          .default('/var/lib/docker')
          .describe("host path that holds Prometheus' data volume: Docker's data root (docker info -f '{{.DockerRootDir}}'); PrometheusDiskFillingUp watches the filesystem holding it"),
        external_labels: labels.default({}),
        remote_write: z.array(remoteWrite).default([]),
        otlp: prometheusOtlp,
        native_histograms: z
          .boolean()
          .default(false)
          .describe('ingest native histograms (Prometheus 3.5: --enable-feature=native-histograms); dashboards and rules keep using classic buckets'),
      })
      .prefault({}),
    alertmanager: z
      .strictObject({
        route: route.optional().describe('defaults to a route to the first receiver, or a null receiver'),
        receivers: z.array(receiver).default([]),
      })
      .prefault({}),
    grafana: z
      .strictObject({
        enabled: z.boolean().default(true).describe('false to bring your own Grafana (datasource and dashboards are still rendered)'),
        admin_user: z.string().min(1).default('admin'),
        admin_password: secretRef.optional().describe('omit to have obsctl generate one (stored 0600, shown once)'),
        anonymous_access: z.boolean().default(false),
      })
      .prefault({}),
    resources: resourcesSchema,
    verify: z
      .strictObject({
        webhook_port: port.default(9096).describe('port `obsctl verify` listens on (stack gateway address) to receive its synthetic test alert'),
        max_series_per_job: z.number().int().positive().max(1_000_000_000).default(50000).describe('verify fails a scrape job that exposes more series (cardinality ceiling)'),
      })
      .prefault({}),
    slos: z.array(slo).default([]).describe('service level objectives: recording rules, burn-rate alerts, the SLO dashboard, `obsctl gate`'),
    anomalies: z.array(anomaly).default([]).describe('opt-in z-score anomaly detection on a target\'s request rate or a GPU metric'),
    alerts: z
      .strictObject({
        gpu: z.strictObject({ enabled, ...thresholds.gpu }).prefault({}),
        host: z.strictObject({ enabled, ...thresholds.host }).prefault({}),
        app: z.strictObject({ enabled, ...thresholds.app }).prefault({}),
        stack: z.strictObject({ enabled, ...thresholds.stack }).prefault({}),
        // Integration packs load only when their integration is configured (src/render/rules.ts).
        postgres: z.strictObject({ enabled, ...thresholds.postgres }).prefault({}),
        redis: z.strictObject({ enabled, ...thresholds.redis }).prefault({}),
        pushgateway: z.strictObject({ enabled, ...thresholds.pushgateway }).prefault({}),
        vllm: z.strictObject({ enabled, ...thresholds.vllm }).prefault({}),
        sglang: z.strictObject({ enabled, ...thresholds.sglang }).prefault({}),
      })
      .prefault({}),
  })
  .describe('obsctl.yaml: an observability stack for one GPU or CPU host');

/** What a user may write (everything optional). */
export type ConfigInput = z.input<typeof configSchema>;
/** The config with defaults applied: what rules and the renderer read. */
export type Config = z.output<typeof configSchema>;
export type AppTarget = Config['targets'][number];
export type Receiver = Config['alertmanager']['receivers'][number];
export type SecretRef = z.output<typeof secretRef>;
export type HostEntry = Config['hosts'][number];
export type Slo = Config['slos'][number];
export type Anomaly = Config['anomalies'][number];
