// Capabilities, discovered: once the GPU exporter is healthy, `up` reads which DCGM fields each GPU
// host really reports (through Prometheus, which scrapes every host's exporter and labels it with
// `host`), stores them in the stack state (.obsctl/gpu-capabilities.json), and, when the set
// differs from what the stack was rendered for, re-renders the GPU content and reloads Prometheus
// (Grafana re-reads its dashboard files by itself): no restart. Before anything was discovered, the
// profile's expected set is used.
import fs from 'node:fs';
import path from 'node:path';
import { capabilitiesFromExposition, type GpuCapabilities } from '../render/capabilities.js';
import { formatLabels } from '../render/exposition.js';
import { promQuery } from '../verify/http.js';

interface Series {
  metric: Record<string, string>;
  value: [number, string];
}

export interface StoredCapabilities {
  /** Discovered on a simulated exporter (its profile), or on the real GPU: never mixed up. */
  mode: string;
  hosts: Record<string, GpuCapabilities>;
}

export const capabilitiesStateFile = (stateDir: string) => path.join(stateDir, 'gpu-capabilities.json');

/** What was discovered before in this mode (`real`, or the simulated profile). */
export function readStoredCapabilities(stateDir: string, mode: string): Record<string, GpuCapabilities> | undefined {
  try {
    const stored = JSON.parse(fs.readFileSync(capabilitiesStateFile(stateDir), 'utf8')) as StoredCapabilities;
    return stored.mode === mode && stored.hosts && typeof stored.hosts === 'object' ? stored.hosts : undefined;
  } catch {
    return undefined;
  }
}

export function storeCapabilities(stateDir: string, stored: StoredCapabilities): void {
  fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  fs.writeFileSync(capabilitiesStateFile(stateDir), `${JSON.stringify(stored, null, 2)}\n`);
}

/**
 * Per host, the capabilities Prometheus' DCGM series show. XID_ERRORS is an event field (exporters
 * 4.5.3-4.8.2 omit it until the first XID): requested in the counters, it counts as reported.
 */
export function capabilitiesFromSeries(series: Series[], counters: string[]): Record<string, GpuCapabilities> {
  const byHost = new Map<string, string[]>();
  for (const s of series) {
    const { __name__: name, host = '', job: _job, instance: _instance, simulated: _sim, ...labels } = s.metric;
    if (!name) continue;
    const lines = byHost.get(host) ?? [];
    lines.push(`${name}${formatLabels(labels)} ${s.value[1]}`);
    byHost.set(host, lines);
  }
  const out: Record<string, GpuCapabilities> = {};
  for (const [host, lines] of [...byHost].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const caps = capabilitiesFromExposition(lines.join('\n'), 'discovered');
    if (counters.includes('DCGM_FI_DEV_XID_ERRORS') && !caps.fields.includes('DCGM_FI_DEV_XID_ERRORS')) caps.fields = [...caps.fields, 'DCGM_FI_DEV_XID_ERRORS'].sort();
    out[host] = caps;
  }
  return out;
}

/** Waits (up to `waitMs`) until Prometheus holds DCGM series from every dcgm-exporter target, then reads them. */
export async function discoverGpuCapabilities(prometheus: string, counters: string[], waitMs: number): Promise<Record<string, GpuCapabilities> | undefined> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const up = await promQuery(prometheus, 'up{job="dcgm-exporter"}');
    const targets = up.series.length;
    const ready = up.ok && targets > 0 && up.series.every((s) => s.value[1] === '1');
    if (ready) {
      const r = await promQuery(prometheus, '{job="dcgm-exporter", __name__=~"DCGM_.+"}');
      const hosts = new Set(r.series.map((s) => s.metric.host));
      if (r.ok && r.series.length > 0 && hosts.size >= targets) return capabilitiesFromSeries(r.series, counters);
    }
    if (Date.now() > deadline) return undefined;
    await new Promise((res) => setTimeout(res, 2000));
  }
}

/** Same fields and constant-zero fields for the same hosts (models and source do not matter). */
export function sameCapabilities(a: Record<string, GpuCapabilities> | undefined, b: Record<string, GpuCapabilities>): boolean {
  if (!a) return false;
  const key = (r: Record<string, GpuCapabilities>) => JSON.stringify(Object.keys(r).sort().map((h) => [h, r[h]!.fields, r[h]!.constantZero, r[h]!.unifiedMemory]));
  return key(a) === key(b);
}
