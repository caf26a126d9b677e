// stack.json: the one machine-readable description of a rendered stack, written at its root. Every
// module after render (up's plan, verify, status, images) and a user's own tooling read this, never
// the rendered compose.yaml / prometheus.yml / counters.csv. The zod schema is the source of truth;
// stack.schema.json is generated from it (`npm run schema`) and a test keeps the committed copy in sync.
// Keys are stable; a change that removes or renames one bumps `version`.
import { z } from 'zod';

export const manifestFile = 'stack.json';
export const manifestVersion = 1;

const port = z.object({
  /** Host address the port is published on. */
  address: z.string(),
  port: z.number().int(),
  containerPort: z.number().int(),
});

const service = z.object({
  name: z.string(),
  image: z.string(),
  ports: z.array(port),
  healthcheck: z.object({ test: z.array(z.string()), interval: z.string(), startPeriod: z.string() }).optional(),
  /** Rendered directories (with a trailing slash) whose change the running service must pick up. */
  configDirs: z.array(z.string()),
  /** How a kept container picks up a changed config dir: POST /-/reload, or a restart. */
  apply: z.enum(['reload', 'restart']),
  /** Stands in for real hardware (the simulated GPU exporter). */
  simulated: z.boolean(),
  hostNetwork: z.boolean(),
  /** Hash of the service's Compose definition: a different one means Compose recreates the container. */
  definition: z.string(),
  /** Least privilege and limits it runs with (src/render/hardening.ts); `verify` compares the engine's view. */
  hardening: z
    .object({
      capDrop: z.array(z.string()),
      capAdd: z.array(z.string()),
      privileged: z.boolean(),
      readOnly: z.boolean(),
      noNewPrivileges: z.boolean(),
      /** uid:gid, or empty for the image's default user. */
      user: z.string(),
      memoryBytes: z.number().int(),
      nanoCpus: z.number().int(),
      logMaxSize: z.string(),
      logMaxFile: z.string(),
    })
    .optional(),
});

const scrapeJob = z.object({
  name: z.string(),
  intervalSeconds: z.number(),
  /** Static targets (host:port); file_sd jobs list their hosts under `inventory`. */
  targets: z.array(z.string()),
  fileSd: z.array(z.string()),
  /** Series the job must deliver on a healthy stack (what `verify` checks). */
  requiredMetrics: z.array(z.string()),
});

export const stackManifestSchema = z.object({
  $schema: z.string().optional(),
  version: z.literal(manifestVersion),
  generator: z.literal('obsctl'),
  /** Compose project name (the stack name, plus the host's with an inventory). */
  project: z.string(),
  stack: z.string(),
  role: z.enum(['single', 'central', 'node']),
  host: z.string().optional(),
  gpu: z.object({
    /** The profile of this host's GPU exporter (`none` when it has none). */
    profile: z.enum(['none', 'nvidia', 'gb10']),
    /** The profile dashboards and alert packs were chosen for (the fleet's). */
    contentProfile: z.enum(['none', 'nvidia', 'gb10']),
    simulated: z.boolean(),
    profiling: z.boolean(),
    counters: z.array(z.string()),
    /**
     * What each GPU host really reports, by host name: the DCGM fields GPU dashboards and rules
     * were rendered for (from the profile's counters until discovered, or from a recording).
     */
    capabilities: z.record(
      z.string(),
      z.object({
        source: z.enum(['profile', 'recording', 'discovered']),
        fields: z.array(z.string()),
        models: z.array(z.string()),
        vgpu: z.boolean(),
        mig: z.boolean(),
        unifiedMemory: z.boolean(),
        constantZero: z.array(z.string()),
      }),
    ),
    /** The thresholds of GPU alerts (obsctl.yaml); which form applies per host follows its capabilities. */
    thresholds: z.object({
      temperatureWarningCelsius: z.number(),
      temperatureCriticalCelsius: z.number(),
      temperatureMarginCelsius: z.number(),
      powerWatts: z.number(),
      powerLimitPercent: z.number(),
    }),
  }),
  addresses: z.object({
    listen: z.string(),
    gateway: z.string(),
    subnet: z.string(),
    /** node-exporter runs in the host's network namespace and listens here. */
    nodeExporter: z.object({ address: z.string(), port: z.number().int() }).optional(),
    /** Where verify's synthetic-alert webhook listens (Alertmanager reaches it through the gateway). */
    webhook: z.object({ host: z.string(), port: z.number().int() }),
  }),
  services: z.array(service),
  images: z.array(z.string()),
  volumes: z.array(z.string()),
  scrapeJobs: z.array(scrapeJob),
  inventory: z.array(z.object({ host: z.string(), job: z.string(), target: z.string() })),
  /** Agent fleet, on central: the nodes that remote-write here, their jobs and scrape interval. */
  agents: z.array(z.object({ host: z.string(), jobs: z.array(z.string()), intervalSeconds: z.number(), tls: z.boolean().optional() })).optional(),
  ruleGroups: z.array(z.object({ file: z.string(), name: z.string(), rules: z.number().int() })),
  dashboards: z.array(
    z.object({ uid: z.string(), title: z.string(), file: z.string(), queries: z.array(z.object({ where: z.string(), expr: z.string() })) }),
  ),
  secrets: z.array(z.object({ name: z.string(), envVar: z.string(), source: z.enum(['generated', 'env', 'file', 'fleet']), services: z.array(z.string()) })),
  verify: z.object({ maxSeriesPerJob: z.number().int(), grafana: z.boolean() }),
});

export type StackManifest = z.infer<typeof stackManifestSchema>;
export type ManifestService = StackManifest['services'][number];
export type ManifestScrapeJob = StackManifest['scrapeJobs'][number];

export function buildManifestJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(stackManifestSchema, { target: 'draft-7' }) as Record<string, unknown>;
  return { $id: 'https://obsctl.dev/stack.schema.json', title: 'obsctl stack.json', ...schema };
}

export const manifestJsonSchemaText = () => `${JSON.stringify(buildManifestJsonSchema(), null, 2)}\n`;

/** Reads a stack.json text; undefined when it is not one this obsctl understands (e.g. an older render). */
export function parseManifest(text: string): StackManifest | undefined {
  try {
    const r = stackManifestSchema.safeParse(JSON.parse(text));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}
