// More than one host: an inventory in obsctl.yaml says which host runs the full stack (central)
// and which run exporters only (node). `render --host NAME` renders that host's part; the central
// Prometheus finds the nodes through file_sd files generated from the inventory, so adding a host
// is a config change Prometheus picks up by itself (file_sd is re-read on change), not a restart.
import type { Config, HostEntry } from '../config/schema.js';
import type { GpuProfile } from './profile.js';

export interface Placement {
  role: 'single' | 'central' | 'node';
  /** This host's inventory entry (undefined for a single-host config). */
  self?: HostEntry;
  /** Every node-role host (what central scrapes remotely). */
  nodes: HostEntry[];
  /** Agent fleet: nodes remote-write to central instead of being scraped by it (src/render/agent.ts). */
  agent?: boolean;
  /** Pull fleet with fleet.tls: nodes' exporters serve HTTPS (src/render/fleet-tls.ts). */
  tls?: boolean;
}

export function placement(config: Config, host: string | undefined): Placement {
  if (config.hosts.length === 0) return { role: 'single', nodes: [] };
  const nodes = config.hosts.filter((h) => h.role === 'node');
  const self = host ? config.hosts.find((h) => h.name === host) : config.hosts.find((h) => h.role === 'central');
  if (!self) throw new Error(`render: host "${host}" is not in the inventory`);
  return { role: self.role, self, nodes, ...(config.fleet.mode === 'agent' ? { agent: true } : config.fleet.tls ? { tls: true } : {}) };
}

/** The `host` label and inventory labels of this host's own series. */
export function identity(config: Config, place: Placement): Record<string, string> {
  return place.self ? { host: place.self.name, ...place.self.labels } : { host: config.name };
}

/** GPU profile for dashboards and alert packs: what the fleet has (GB10 only if every GPU is GB10). */
export function fleetProfile(config: Config, place: Placement, own: GpuProfile): GpuProfile {
  if (place.role === 'single') return own;
  const profiles = new Set(config.hosts.map((h) => (h === place.self ? own : h.gpu)).filter((p) => p !== 'none'));
  if (profiles.size === 0) return 'none';
  return profiles.has('nvidia') ? 'nvidia' : 'gb10';
}

/** file_sd target groups for the central Prometheus. */
export function fileSdGroups(place: Placement, job: 'node-exporter' | 'dcgm-exporter'): { targets: string[]; labels: Record<string, string> }[] {
  if (place.agent) return []; // agents push; central scrapes no node
  return place.nodes
    .filter((h) => job === 'node-exporter' || h.gpu !== 'none')
    .map((h) => ({
      targets: [`${h.address}:${job === 'node-exporter' ? h.ports.node_exporter : h.ports.dcgm_exporter}`],
      labels: { host: h.name, ...h.labels, ...(place.tls ? { __scheme__: 'https' } : {}) },
    }));
}

/** Compose project name: the stack name, plus the host's name with an inventory (lab-spark-a). */
export function projectName(config: Config, host: string | undefined): string {
  return config.hosts.length && host ? `${config.name}-${host}` : config.name;
}
