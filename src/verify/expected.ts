// What verify expects of a running stack, taken from the stack's manifest (stack.json: what is
// really deployed, including --simulate-gpu) rather than re-derived: scrape jobs and their
// intervals, rule groups, dashboards' panel queries, and the series each exporter must deliver.
import type { StackManifest } from '../render/manifest.js';
import type { GpuCapabilities } from '../render/capabilities.js';
import type { GpuProfile } from '../render/profile.js';
import type { GpuThresholds } from '../render/gpu-thresholds.js';
export { nodeMetrics } from '../render/describe.js';
export { seconds } from '../duration.js';

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
  dashboards: { uid: string; title: string; queries: { where: string; expr: string }[] }[];
  grafana: boolean;
  maxSeriesPerJob: number;
  webhookAddress?: { host: string; port: number };
  /** Inventory hosts the central stack scrapes through file_sd. */
  inventory: { host: string; job: string; target: string }[];
  /** Agent fleet: nodes that remote-write to this central. */
  agents?: { host: string; jobs: string[]; intervalSeconds: number; tls?: boolean }[];
  /** What each GPU host reports, as rendered; empty without GPU content. */
  gpuCapabilities?: Record<string, GpuCapabilities>;
  /** The GPU alert thresholds of obsctl.yaml (which form applies follows each host's capabilities). */
  gpuThresholds?: GpuThresholds;
}

export function expectedFromManifest(manifest: StackManifest): ExpectedStack {
  return {
    gpuCapabilities: manifest.gpu.capabilities,
    gpuThresholds: manifest.gpu.thresholds,
    inventory: manifest.inventory,
    ...(manifest.agents ? { agents: manifest.agents } : {}),
    project: manifest.project,
    profile: manifest.gpu.profile,
    jobs: manifest.scrapeJobs.map((j) => ({ name: j.name, intervalSeconds: j.intervalSeconds, requiredMetrics: j.requiredMetrics })),
    ruleGroups: manifest.ruleGroups.map(({ file, name }) => ({ file, name })),
    dashboards: manifest.dashboards.map(({ uid, title, queries }) => ({ uid, title, queries })),
    grafana: manifest.verify.grafana,
    maxSeriesPerJob: manifest.verify.maxSeriesPerJob,
    webhookAddress: manifest.addresses.webhook,
  };
}
