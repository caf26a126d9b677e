// Agent-mode fleets (fleet.mode: agent): each node runs Prometheus with `--agent`, scrapes its own
// exporters locally and remote-writes to central, whose Prometheus accepts remote write
// (`--web.enable-remote-write-receiver`). While central is away the agent's WAL keeps every sample
// and the remote-write queue retries until central takes them, so an outage of central loses
// nothing (test/e2e/fleet-agent.test.ts stops it for 2 minutes). Central forwards what it receives
// to its own remote_write (the long-term store) like anything it scraped.
import type { Config, HostEntry } from '../config/schema.js';
import type { Placement } from './inventory.js';
import { nodeExporterAddress } from './network.js';
import { replicaBReceiverUrl } from './ha.js';
import { agentTlsOn, agentWriteAuth } from './fleet-tls.js';
import { receiverPort } from './fleet-receiver.js';

export const isAgentFleet = (config: Config) => config.hosts.length > 0 && config.fleet.mode === 'agent';

const central = (config: Config): HostEntry | undefined => config.hosts.find((h) => h.role === 'central');

/**
 * Where agents remote-write: central's Prometheus on central's inventory address. Central
 * publishes its Prometheus there too (see receiverPorts), beside the UI's `listen` address.
 */
export function receiverUrl(config: Config): string {
  const c = central(config);
  if (!c) throw new Error('render: an agent fleet needs a central host');
  // With fleet.tls the agents write to central's TLS receiver (render/fleet-receiver.ts).
  return agentTlsOn(config) ? `https://${c.address}:${receiverPort(config)}/api/v1/write` : `http://${c.address}:${config.ports.prometheus}/api/v1/write`;
}

/** Central's extra Prometheus flag in an agent fleet. */
export const receiverFlags = (config: Config, place: Placement): string[] =>
  place.role === 'central' && isAgentFleet(config) ? ['--web.enable-remote-write-receiver'] : [];

/** Central's Prometheus published on its inventory address, where the agents reach it. */
export function receiverPorts(config: Config, place: Placement): string[] {
  // With fleet.tls the receiver is published there instead; Prometheus stays on `listen`.
  if (place.role !== 'central' || !isAgentFleet(config) || !place.self || agentTlsOn(config)) return [];
  // Already reachable there when the UI listens on every address or on that one.
  if (config.listen === '0.0.0.0' || config.listen === place.self.address) return [];
  return [`${place.self.address}:${config.ports.prometheus}:9090`];
}

/** Nodes that remote-write to central (what verify on central checks by last sample age). */
export const agentNodes = (config: Config, place: Placement): HostEntry[] =>
  place.role === 'central' && isAgentFleet(config) ? place.nodes : [];

type Job = Record<string, unknown>;

/**
 * prometheus.yml of a node's agent: its node-exporter (on the host's address, host network) and
 * dcgm-exporter (service name on the node's bridge network), labelled like central labels them in
 * pull mode (host, inventory labels, instance = the address central would scrape), written to
 * central. No rules, no alerting: agent mode has neither; central evaluates them.
 */
export function renderAgentConfig(config: Config, place: Placement, identity: Record<string, string>, gpu: boolean): Record<string, unknown> {
  const self = place.self!;
  const jobs: Job[] = [];
  // node-exporter listens on the node's bridge gateway (config here is the node's local view).
  if (config.exporters.node.enabled) {
    jobs.push({ job_name: 'node-exporter', static_configs: [{ targets: [nodeExporterAddress(config)], labels: { ...identity, instance: `${self.address}:${self.ports.node_exporter}` } }] });
  }
  if (gpu) {
    jobs.push({
      job_name: 'dcgm-exporter',
      // The exporter's Hostname label is replaced by the stable `host` label, as on central.
      metric_relabel_configs: [{ action: 'labeldrop', regex: 'Hostname|hostname' }],
      static_configs: [{ targets: ['dcgm-exporter:9400'], labels: { ...identity, instance: `${self.address}:${self.ports.dcgm_exporter}` } }],
    });
  }
  // Retries back off to 10 s at most, so a returning central gets the backlog within seconds.
  const queue_config = { capacity: 10000, max_shards: 10, max_samples_per_send: 2000, max_backoff: '10s' };
  // An HA central: each replica has its own queue and WAL position, so one replica away delays
  // only its own copy (src/render/ha.ts).
  const b = replicaBReceiverUrl(config);
  return {
    global: { scrape_interval: config.prometheus.scrape_interval },
    scrape_configs: jobs,
    remote_write: [
      { name: 'central', url: receiverUrl(config), queue_config, ...(agentTlsOn(config) ? agentWriteAuth(self.name) : {}) },
      ...(b ? [{ name: 'central-b', url: b, queue_config }] : []),
    ],
  };
}
