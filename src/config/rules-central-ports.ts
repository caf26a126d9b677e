// Ports of the host that runs the stack (the central of an inventory, or the single host) that
// collide: an HA central's own ports (fleet.central.ports) with each other or with another service's,
// the central host's node-exporter (hosts[i].ports.node_exporter, not ports.node_exporter, on an
// inventory's central) with a UI, an explicit TLS receiver port, the Pushgateway. Without this rule
// the clash surfaced only at `up`, as a port-in-use preflight failure or a container that did not
// start. Pairs inside `ports:` are portClash's (rules.ts), verify's webhook against a single host's
// node-exporter webhookPort's (rules-overlap.ts): not reported twice.
import { ruleIssue, type RuleIssue } from './rule-issue.js';
import type { Config } from './schema.js';

/** Where a port is bound: `any` clashes with every address (node-exporter: up's preflight treats it so). */
type Bound = string | 'any' | 'gateway';

interface Entry {
  at: (string | number)[];
  /** What to call it in a message: `fleet.central.ports.store`, `central-1's node-exporter (hosts[0].ports.node_exporter)`. */
  name: string;
  port: number;
  on: Bound[];
  /** Pairs of two `ports:` entries are portClash's. */
  group?: 'ports' | 'node' | 'webhook';
}

const pathText = (at: (string | number)[]) => at.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('').slice(1);

function rawAt(raw: unknown, path: (string | number)[]): unknown {
  let v = raw;
  for (const p of path) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[String(p)] : undefined;
  return v;
}

/** Everything published or listened on by the stack host, with where each is set. */
function stackHostPorts(config: Config): Entry[] {
  const ci = config.hosts.findIndex((h) => h.role === 'central');
  const central = config.hosts[ci];
  const agent = central !== undefined && config.fleet.mode === 'agent';
  const tls = agent && config.fleet.tls;
  const listen: Bound = config.listen;
  // An agent fleet publishes central's Prometheus (and replica b) on central's address too, unless
  // listen already covers it; with fleet.tls the TLS receiver takes that place (src/render/agent.ts).
  const forAgents: Bound[] = agent && !tls && central && config.listen !== '0.0.0.0' && config.listen !== central.address ? [central.address] : [];
  const at = (...p: (string | number)[]) => p;
  const out: Entry[] = [
    { at: at('ports', 'prometheus'), name: 'ports.prometheus', port: config.ports.prometheus, on: [listen, ...forAgents], group: 'ports' },
    { at: at('ports', 'alertmanager'), name: 'ports.alertmanager', port: config.ports.alertmanager, on: [listen], group: 'ports' },
  ];
  if (config.grafana.enabled) out.push({ at: at('ports', 'grafana'), name: 'ports.grafana', port: config.ports.grafana, on: [listen], group: 'ports' });
  if (config.exporters.node.enabled) {
    out.push(
      central
        ? { at: at('hosts', ci, 'ports', 'node_exporter'), name: `${central.name}'s node-exporter (hosts[${ci}].ports.node_exporter)`, port: central.ports.node_exporter, on: ['any'], group: 'node' }
        : { at: at('ports', 'node_exporter'), name: 'ports.node_exporter', port: config.ports.node_exporter, on: ['any'], group: 'ports' },
    );
  }
  // verify's webhook listens on the stack gateway, as node-exporter does; only that can clash with it.
  out.push({ at: at('verify', 'webhook_port'), name: 'verify.webhook_port', port: config.verify.webhook_port, on: ['gateway'], group: 'webhook' });
  if (tls && config.fleet.receiver_port !== undefined) out.push({ at: at('fleet', 'receiver_port'), name: 'fleet.receiver_port', port: config.fleet.receiver_port, on: [central!.address] });
  if (config.fleet.central.replicas === 2) {
    const p = config.fleet.central.ports;
    out.push(
      { at: at('fleet', 'central', 'ports', 'prometheus_b'), name: 'fleet.central.ports.prometheus_b', port: p.prometheus_b, on: [listen, ...forAgents] },
      { at: at('fleet', 'central', 'ports', 'alertmanager_b'), name: 'fleet.central.ports.alertmanager_b', port: p.alertmanager_b, on: [listen] },
      { at: at('fleet', 'central', 'ports', 'store'), name: 'fleet.central.ports.store', port: p.store, on: [listen] },
    );
  }
  const pushgateway = config.integrations.pushgateway;
  if (pushgateway) out.push({ at: at('integrations', 'pushgateway', 'port'), name: 'integrations.pushgateway.port', port: pushgateway.port, on: [listen] });
  return out;
}

const overlap = (a: Bound[], b: Bound[]) =>
  a.some((x) => b.some((y) => x === 'any' || y === 'any' || (x !== 'gateway' && y !== 'gateway' && (x === y || x === '0.0.0.0' || y === '0.0.0.0'))));

/** Reported elsewhere already: two `ports:` entries, or the webhook against a single host's ports.node_exporter. */
const covered = (a: Entry, b: Entry) => (a.group === 'ports' && b.group === 'ports') || ((a.group === 'webhook' || b.group === 'webhook') && (a.group === 'ports' || b.group === 'ports'));

export function stackHostPortClash(config: Config, raw: unknown): RuleIssue[] {
  const entries = stackHostPorts(config);
  const host = config.hosts.find((h) => h.role === 'central')?.name ?? 'this host';
  const explicit = (e: Entry) => rawAt(raw, e.at) !== undefined;
  const out: RuleIssue[] = [];
  entries.forEach((e, i) => {
    for (const other of entries.slice(0, i)) {
      if (e.port !== other.port || !overlap(e.on, other.on) || covered(e, other)) continue;
      // Point at the port the user wrote (the later, more specific setting when both are), not at a default they never saw.
      const [here, them] = explicit(e) || !explicit(other) ? [e, other] : [other, e];
      const theirs = explicit(them) ? them.name : `${them.name} (its default port)`;
      out.push(ruleIssue(here.at, 'port_clash', `port ${here.port} is also used by ${theirs} on ${host}`, `Give ${pathText(here.at)} and ${pathText(them.at)} different ports.`));
    }
  });
  return out;
}
