// Cross-field rules for settings that each look fine alone but collide: a port used twice on one
// address, a label obsctl sets itself, an exporter published on every interface.
import { ruleIssue, type RuleIssue } from './rule-issue.js';
import type { Config } from './schema.js';

const issue = ruleIssue;

/** verify's webhook and node-exporter both listen on the stack gateway address. */
export function webhookPort(config: Config): RuleIssue[] {
  return config.verify.webhook_port === config.ports.node_exporter
    ? [issue(['verify', 'webhook_port'], 'port_clash', `port ${config.verify.webhook_port} is also node-exporter's port on the stack gateway`, 'Give verify.webhook_port and ports.node_exporter different ports.')]
    : [];
}

/** Labels obsctl sets itself: `host` on every series, `stack` as an external label. */
export function reservedLabels(config: Config): RuleIssue[] {
  const out: RuleIssue[] = [];
  const own = (at: PropertyKey[], name: string, what: string) =>
    out.push(issue(at, 'reserved_label', `the label "${name}" is set by obsctl (${what})`, 'Choose another label name.'));
  config.targets.forEach((t, i) => {
    if ('host' in t.labels) own(['targets', i, 'labels', 'host'], 'host', 'the host every series comes from');
  });
  config.hosts.forEach((h, i) => {
    if ('host' in h.labels) own(['hosts', i, 'labels', 'host'], 'host', 'this host\'s name');
  });
  if ('stack' in config.prometheus.external_labels) own(['prometheus', 'external_labels', 'stack'], 'stack', 'the stack name, from `name`');
  return out;
}

/** One host's exporters on one port; an exporter published on every interface. */
export function hostPorts(config: Config): RuleIssue[] {
  const out: RuleIssue[] = [];
  config.hosts.forEach((h, i) => {
    if (h.ports.node_exporter === h.ports.dcgm_exporter) {
      out.push(issue(['hosts', i, 'ports', 'dcgm_exporter'], 'port_clash', `port ${h.ports.dcgm_exporter} is also node-exporter's port on ${h.name}`, 'Give the two exporters different ports.'));
    }
    if (h.address === '0.0.0.0') {
      out.push(
        issue(['hosts', i, 'address'], 'address_all_interfaces', `${h.name}'s exporters will listen on every interface (0.0.0.0), and the central stack cannot reach a host by that address`, 'Give the address of the interface the central host reaches it on.', 'warning'),
      );
    }
  });
  return out;
}
