// Builds stack.json from what render produced in memory (the compose and Prometheus objects, the
// rule files it chose, the dashboards it built), so the description can never drift from the files.
import { createHash } from 'node:crypto';
import type { DashboardFile } from '../../dashboards/index.js';
import type { Config } from '../config/schema.js';
import type { GpuCapabilities } from './capabilities.js';
import { seconds } from '../duration.js';
import { dashboardExpressions } from '../validate/expressions.js';
import type { ComposeFile, Service } from './compose.js';
import { countersFor, requiredGpuMetrics } from './dcgm.js';
import { fileSdGroups, type Placement } from './inventory.js';
import { manifestVersion, type ManifestService, type StackManifest } from './manifest.js';
import { gatewayAddress } from './network.js';
import { agentNodes } from './agent.js';
import { agentTlsOn } from './fleet-tls.js';
import type { GpuProfile } from './profile.js';
import type { StackSecret } from './secrets.js';
import { describeHardening } from './hardening.js';
import { ruleGroupsOf } from './rule-groups.js';
import { gpuThresholds } from './gpu-thresholds.js';
import { integrationRequiredMetrics } from '../integrations/index.js';

/** Series every node-exporter delivers on any Linux host. */
export const nodeMetrics = ['node_cpu_seconds_total', 'node_memory_MemAvailable_bytes', 'node_filesystem_avail_bytes', 'node_network_receive_bytes_total'];

interface PromJob {
  job_name: string;
  scrape_interval?: string;
  static_configs?: { targets: string[] }[];
  file_sd_configs?: { files: string[] }[];
}

export interface DescribeInput {
  config: Config;
  place: Placement;
  project: string;
  /** This host's exporter profile (`none` without a GPU exporter). */
  gpuProfile: GpuProfile;
  contentProfile: GpuProfile;
  simulated: boolean;
  compose: ComposeFile;
  prometheus?: { global: { scrape_interval: string }; scrape_configs: PromJob[] };
  ruleFiles: Map<string, string>;
  dashboards: DashboardFile[];
  secrets: StackSecret[];
  gpuCapabilities: Record<string, GpuCapabilities>;
}

// Dashboards are re-read by Grafana's file provider every 30 s: no restart for them.
const watchedByService = new Set(['grafana/dashboards/']);

/**
 * How a kept container picks up a changed config. Prometheus and Alertmanager reload in place, and so
 * do an HA central's replicas of them (prometheus-b, alertmanager-b: `org.obsctl.replica-of`), which
 * are published on `listen` too; a restart would drop replica b out of the pair for its start-up.
 * An agent is not published, so nothing can POST /-/reload to it: it restarts (its WAL stays).
 */
function applyOf(name: string, s: Service): 'reload' | 'restart' {
  const kind = s.labels?.['org.obsctl.replica-of'] ?? name;
  return (kind === 'prometheus' && !s.command?.includes('--agent')) || kind === 'alertmanager' ? 'reload' : 'restart';
}

function describeService(name: string, s: Service): ManifestService {
  const ports = (s.ports ?? []).map((p) => {
    const [address, port, containerPort] = p.split(':');
    return { address: address!, port: Number(port), containerPort: Number(containerPort) };
  });
  const configDirs = (s.volumes ?? [])
    .filter((v) => v.startsWith('./'))
    .map((v) => `${v.slice(2, v.indexOf(':'))}/`)
    .filter((d) => !watchedByService.has(d));
  return {
    name,
    image: s.image,
    ports,
    ...(s.healthcheck ? { healthcheck: { test: s.healthcheck.test, interval: s.healthcheck.interval, startPeriod: s.healthcheck.start_period } } : {}),
    configDirs,
    apply: applyOf(name, s),
    simulated: s.labels?.['org.obsctl.simulated'] === 'true',
    hostNetwork: s.network_mode === 'host',
    // Compose recreates a container when its service definition changes: this tells `up`'s plan.
    definition: createHash('sha256').update(JSON.stringify(s)).digest('hex').slice(0, 16),
    hardening: describeHardening(s),
  };
}

export function describeStack(input: DescribeInput): StackManifest {
  const { config, place } = input;
  const services = Object.entries(input.compose.services).map(([name, s]) => describeService(name, s));
  const appTargets = new Map([...integrationRequiredMetrics(config), ...config.targets.map((t) => [t.name, t.required_metrics] as const)]);
  // Only what some GPU of this stack reports is required (a vGPU has no temperature, GB10 no FB_*).
  const reported = new Set(Object.values(input.gpuCapabilities).flatMap((c) => c.fields));
  const gpuRequired = requiredGpuMetrics(input.gpuProfile).filter((m) => reported.size === 0 || reported.has(m));
  const prom = input.prometheus;
  const scrapeJobs = (prom?.scrape_configs ?? []).map((j) => ({
    name: j.job_name,
    intervalSeconds: seconds(j.scrape_interval ?? prom!.global.scrape_interval),
    targets: (j.static_configs ?? []).flatMap((c) => c.targets),
    fileSd: (j.file_sd_configs ?? []).flatMap((c) => c.files),
    requiredMetrics: j.job_name === 'node-exporter' ? nodeMetrics : j.job_name === 'dcgm-exporter' ? gpuRequired : (appTargets.get(j.job_name) ?? []),
  }));
  const inventory = prom && place.role === 'central'
    ? (['dcgm-exporter', 'node-exporter'] as const).flatMap((job) => fileSdGroups(place, job).flatMap((g) => g.targets.map((target) => ({ host: g.labels.host!, job, target }))))
    : [];
  const agents = agentNodes(config, place).map((h) => ({
    host: h.name,
    jobs: [...(config.exporters.node.enabled ? ['node-exporter'] : []), ...(h.gpu !== 'none' && config.exporters.dcgm.enabled ? ['dcgm-exporter'] : [])],
    intervalSeconds: seconds(config.prometheus.scrape_interval),
    // fleet.tls: central's Prometheus takes remote write only through the TLS receiver (render/fleet-receiver.ts).
    ...(agentTlsOn(config) ? { tls: true } : {}),
  }));
  const ruleGroups = [...input.ruleFiles]
    .filter(([p]) => p.startsWith('prometheus/rules/'))
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .flatMap(([p, text]) => ruleGroupsOf(text).map((g) => ({ file: p.slice('prometheus/rules/'.length), name: g.name, rules: g.rules })));
  const nodeExporter = input.compose.services['node-exporter']?.command?.find((c) => c.startsWith('--web.listen-address='));
  const listenAt = nodeExporter?.slice('--web.listen-address='.length);
  return {
    version: manifestVersion,
    generator: 'obsctl',
    project: input.project,
    stack: config.name,
    role: place.role,
    ...(place.self ? { host: place.self.name } : {}),
    gpu: {
      profile: input.gpuProfile,
      contentProfile: input.contentProfile,
      simulated: input.simulated && input.gpuProfile !== 'none',
      profiling: input.gpuProfile !== 'none' && !input.simulated && config.exporters.dcgm.profiling && input.gpuProfile !== 'gb10',
      counters: input.gpuProfile === 'none' ? [] : countersFor(input.gpuProfile, config.exporters.dcgm.profiling, config.exporters.dcgm.extra_counters).map((c) => c.field),
      capabilities: input.gpuCapabilities,
      thresholds: gpuThresholds(config),
    },
    addresses: {
      listen: config.listen,
      gateway: gatewayAddress(config),
      subnet: config.network.subnet,
      ...(listenAt ? { nodeExporter: { address: listenAt.slice(0, listenAt.lastIndexOf(':')), port: Number(listenAt.slice(listenAt.lastIndexOf(':') + 1)) } } : {}),
      webhook: { host: gatewayAddress(config), port: config.verify.webhook_port },
    },
    services,
    images: [...new Set(services.map((s) => s.image))].sort(),
    volumes: Object.keys(input.compose.volumes ?? {}),
    scrapeJobs,
    inventory,
    ...(agents.length ? { agents } : {}),
    ruleGroups,
    dashboards: [...input.dashboards].sort((a, b) => (a.fileName < b.fileName ? -1 : 1)).map((d) => ({ uid: d.uid, title: d.title, file: `grafana/dashboards/${d.fileName}`, queries: dashboardExpressions(d.json) })),
    secrets: input.secrets.map((s) => ({ name: s.name, envVar: s.envVar, source: 'generated' in s.source ? 'generated' : 'env' in s.source ? 'env' : 'fleet' in s.source ? 'fleet' : 'file', services: s.services })),
    verify: { maxSeriesPerJob: config.verify.max_series_per_job, grafana: config.grafana.enabled },
  };
}
