// What verify expects of a running stack, read from the rendered files (what is really deployed,
// including --simulate-gpu) rather than re-derived: scrape jobs and their intervals, rule groups,
// dashboards, and the series each exporter must deliver for the host's profile.
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import type { Config } from '../config/schema.js';
import { requiredGpuMetrics } from '../render/dcgm.js';
import type { GpuCapabilities } from '../render/capabilities.js';
import type { GpuProfile } from '../render/profile.js';

export interface ExpectedJob {
  name: string;
  intervalSeconds: number;
  requiredMetrics: string[];
}

export interface ExpectedStack {
  project: string;
  profile: GpuProfile;
  jobs: ExpectedJob[];
  ruleGroups: { file: string; name: string }[];
  dashboards: { uid: string; title: string; json: Record<string, unknown> }[];
  grafana: boolean;
  maxSeriesPerJob: number;
  webhookAddress?: { host: string; port: number };
  /** Inventory hosts the central stack scrapes through file_sd. */
  inventory: { host: string; job: string; target: string }[];
  /** What each GPU host reports, as rendered (gpu-capabilities.json); empty without GPU content. */
  gpuCapabilities: Record<string, GpuCapabilities>;
}

export const nodeMetrics = ['node_cpu_seconds_total', 'node_memory_MemAvailable_bytes', 'node_filesystem_avail_bytes', 'node_network_receive_bytes_total'];

export function seconds(duration: string): number {
  let total = 0;
  for (const [, n, unit] of duration.matchAll(/(\d+)(ms|y|w|d|h|m|s)/g)) {
    total += Number(n) * { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 }[unit as 's']!;
  }
  return total;
}

export function expectedFromStack(dir: string, config: Config, project = config.name): ExpectedStack {
  const read = (p: string) => fs.readFileSync(path.join(dir, p), 'utf8');
  const prom = parse(read('prometheus/prometheus.yml')) as {
    global: { scrape_interval: string };
    scrape_configs: { job_name: string; scrape_interval?: string }[];
  };
  const counters = fs.existsSync(path.join(dir, 'dcgm/counters.csv')) ? read('dcgm/counters.csv') : '';
  const profile: GpuProfile = !counters ? 'none' : /Profile: gb10/.test(counters) ? 'gb10' : 'nvidia';
  const gpuCapabilities = fs.existsSync(path.join(dir, 'gpu-capabilities.json'))
    ? (JSON.parse(read('gpu-capabilities.json')) as { hosts: Record<string, GpuCapabilities> }).hosts
    : {};
  // Only what some GPU of this stack reports is required (a vGPU has no temperature, GB10 no FB_*).
  const reported = new Set(Object.values(gpuCapabilities).flatMap((c) => c.fields));
  const gpuRequired = requiredGpuMetrics(profile).filter((m) => reported.size === 0 || reported.has(m));
  const appTargets = new Map(config.targets.map((t) => [t.name, t.required_metrics]));
  const jobs = prom.scrape_configs.map((j) => ({
    name: j.job_name,
    intervalSeconds: seconds(j.scrape_interval ?? prom.global.scrape_interval),
    requiredMetrics: j.job_name === 'node-exporter' ? nodeMetrics : j.job_name === 'dcgm-exporter' ? gpuRequired : (appTargets.get(j.job_name) ?? []),
  }));
  const rulesDir = path.join(dir, 'prometheus/rules');
  const ruleGroups = (fs.existsSync(rulesDir) ? fs.readdirSync(rulesDir).sort() : []).flatMap((file) =>
    ((parse(read(`prometheus/rules/${file}`)) as { groups?: { name: string }[] }).groups ?? []).map((g) => ({ file, name: g.name })),
  );
  const dashDir = path.join(dir, 'grafana/dashboards');
  const dashboards = (fs.existsSync(dashDir) ? fs.readdirSync(dashDir).sort() : []).map((f) => {
    const json = JSON.parse(read(`grafana/dashboards/${f}`)) as Record<string, unknown>;
    return { uid: String(json.uid), title: String(json.title), json };
  });
  const sdDir = path.join(dir, 'prometheus/file_sd');
  const inventory = (fs.existsSync(sdDir) ? fs.readdirSync(sdDir).sort() : []).flatMap((f) =>
    (JSON.parse(read(`prometheus/file_sd/${f}`)) as { targets: string[]; labels: { host: string } }[]).flatMap((g) =>
      g.targets.map((target) => ({ host: g.labels.host, job: f.replace(/\.json$/, ''), target })),
    ),
  );
  return {
    gpuCapabilities,
    inventory,
    project,
    profile,
    jobs,
    ruleGroups,
    dashboards,
    grafana: config.grafana.enabled,
    maxSeriesPerJob: config.verify.max_series_per_job,
    webhookAddress: { host: config.network.subnet.replace(/\.0\/24$/, '.1'), port: config.verify.webhook_port },
  };
}
