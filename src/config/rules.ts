// Cross-field rules: what the schema alone cannot say. Each rule is a small pure function of the
// normalized config (and the raw input, to tell "the user asked for this" from "a default").
import { integrationSecrets } from '../integrations/index.js';
import { ruleIssue, type RuleIssue } from './rule-issue.js';
import type { Config, SecretRef } from './schema.js';
import { hostPorts, reservedLabels, webhookPort } from './rules-overlap.js';
import { sloConfigRules } from '../slo/checks.js';
import { stackHostPortClash } from './rules-central-ports.js';

export type { RuleIssue };
type Rule = (config: Config, raw: unknown) => RuleIssue[];

/** Jobs the stack defines itself; an app target may not take these names. */
export const stackJobNames = ['prometheus', 'alertmanager', 'grafana', 'node-exporter', 'dcgm-exporter', 'cadvisor', 'blackbox'];

const issue = ruleIssue;

function rawAt(raw: unknown, path: PropertyKey[]): unknown {
  let v = raw;
  for (const p of path) v = v && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[p as string] : undefined;
  return v;
}

const portClash: Rule = (config, raw) => {
  const out: RuleIssue[] = [];
  const entries = Object.entries(config.ports);
  const explicit = (service: string) => rawAt(raw, ['ports', service]) !== undefined;
  entries.forEach(([service, port], i) => {
    for (const [other, otherPort] of entries.slice(0, i)) {
      if (port !== otherPort) continue;
      // Point at the port the user wrote, not at a default they never saw.
      const [at, them] = explicit(service) || !explicit(other) ? [service, other] : [other, service];
      const theirs = explicit(them) ? them : `${them} (its default port)`;
      out.push(issue(['ports', at], 'port_clash', `port ${port} is also used by ${theirs}`, `Give ${at} and ${them} different ports.`));
    }
  });
  return out;
};

const duplicateJobs: Rule = (config) => {
  const out: RuleIssue[] = [];
  const seen = new Map<string, string>();
  const check = (name: string, at: (string | number)[]) => {
    if (stackJobNames.includes(name)) {
      out.push(issue([...at, 'name'], 'reserved_job_name', `job name "${name}" is used by the stack itself`, `Rename it, e.g. "${name}-app".`));
    } else if (seen.has(name)) {
      out.push(issue([...at, 'name'], 'duplicate_job_name', `job name "${name}" is already used at ${seen.get(name)}`, 'Every target and probe needs its own name.'));
    } else seen.set(name, at.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('').slice(1));
  };
  config.targets.forEach((t, i) => check(t.name, ['targets', i]));
  config.exporters.blackbox.probes.forEach((p, i) => check(p.name, ['exporters', 'blackbox', 'probes', i]));
  return out;
};

const duplicateNames = (list: { name: string }[], at: PropertyKey[], what: string, reserved: string[] = []): RuleIssue[] => {
  const seen = new Set<string>();
  return list.flatMap((item, i) => {
    if (reserved.includes(item.name)) return [issue([...at, i, 'name'], `reserved_${what}`, `${what} name "${item.name}" is used by obsctl itself`, 'Choose another name.')];
    if (seen.has(item.name)) return [issue([...at, i, 'name'], `duplicate_${what}`, `${what} name "${item.name}" appears twice`)];
    seen.add(item.name);
    return [];
  });
};

const packNeedsExporter: Rule = (config, raw) => {
  const out: RuleIssue[] = [];
  const pairs = [
    ['host', 'node', 'node-exporter'],
    ['gpu', 'dcgm', 'dcgm-exporter'],
  ] as const;
  for (const [pack, exporter, label] of pairs) {
    const packExplicit = rawAt(raw, ['alerts', pack, 'enabled']) === true;
    if (!config.exporters[exporter].enabled && config.alerts[pack].enabled) {
      if (packExplicit) {
        out.push(issue(['alerts', pack, 'enabled'], 'pack_without_exporter', `the ${pack} alert pack needs ${label}, which is disabled`, `Enable exporters.${exporter} or set alerts.${pack}.enabled: false.`));
      }
    }
  }
  if (config.gpu === 'none' && rawAt(raw, ['alerts', 'gpu', 'enabled']) === true) {
    out.push(issue(['alerts', 'gpu', 'enabled'], 'pack_without_exporter', 'the gpu alert pack is enabled but gpu is "none"', 'Set gpu: auto, nvidia or gb10, or alerts.gpu.enabled: false.'));
  }
  return out;
};

const receiverReferences: Rule = (config) => {
  const names = new Set(config.alertmanager.receivers.map((r) => r.name));
  const out: RuleIssue[] = [];
  const route = config.alertmanager.route;
  if (route && !names.has(route.receiver)) {
    out.push(issue(['alertmanager', 'route', 'receiver'], 'unknown_receiver', `route sends to receiver "${route.receiver}", which is not defined`, names.size ? `Defined receivers: ${[...names].join(', ')}.` : 'Add it under alertmanager.receivers.'));
  }
  route?.routes.forEach((r, i) => {
    if (!names.has(r.receiver)) out.push(issue(['alertmanager', 'route', 'routes', i, 'receiver'], 'unknown_receiver', `route sends to receiver "${r.receiver}", which is not defined`));
  });
  return out;
};

const thresholdOrder: Rule = (config) => {
  const gpu = config.alerts.gpu;
  return gpu.temperature_warning_celsius >= gpu.temperature_critical_celsius
    ? [issue(['alerts', 'gpu', 'temperature_warning_celsius'], 'threshold_order', `warning (${gpu.temperature_warning_celsius} °C) must be below critical (${gpu.temperature_critical_celsius} °C)`, 'Lower temperature_warning_celsius or raise temperature_critical_celsius.')]
    : [];
};

const gpuProfiling: Rule = (config) =>
  config.gpu === 'gb10' && config.exporters.dcgm.profiling
    ? [issue(['exporters', 'dcgm', 'profiling'], 'profiling_on_gb10', 'GB10 (DGX Spark) emits no DCGM_FI_PROF_* fields, so profiling would only grant SYS_ADMIN for nothing', 'Set exporters.dcgm.profiling: false.')]
    : [];

const exposure: Rule = (config) => {
  const out: RuleIssue[] = [];
  if (config.listen !== '127.0.0.1' && !config.listen.startsWith('127.')) {
    out.push(issue(['listen'], 'listen_exposed', `Prometheus, Alertmanager and Grafana will answer on ${config.listen}; Prometheus and Alertmanager have no login`, 'Keep 127.0.0.1 and reach them through an SSH tunnel or a reverse proxy with auth.', 'warning'));
  }
  if (config.grafana.anonymous_access) {
    out.push(issue(['grafana', 'anonymous_access'], 'grafana_anonymous', 'anyone who reaches Grafana can view dashboards without logging in', undefined, 'warning'));
  }
  return out;
};

const inventory: Rule = (config) => {
  if (config.hosts.length === 0) return [];
  const out: RuleIssue[] = [...duplicateNames(config.hosts, ['hosts'], 'host')];
  const central = config.hosts.filter((h) => h.role === 'central');
  if (central.length !== 1) {
    out.push(issue(['hosts'], 'central_count', `the hosts inventory needs exactly one host with role: central, found ${central.length}`, 'Mark the host that runs Prometheus, Alertmanager and Grafana as role: central.'));
  }
  const seen = new Map<string, string>();
  config.hosts.forEach((h, i) => {
    const key = `${h.address}:${h.ports.node_exporter}`;
    if (seen.has(key)) out.push(issue(['hosts', i, 'address'], 'duplicate_address', `${key} is also ${seen.get(key)}'s node-exporter`));
    seen.set(key, h.name);
  });
  return out;
};

// Agent fleet with TLS: central's receiver is published on central's address at ports.prometheus,
// where a UI published on every address (or that one) already is (src/render/fleet-receiver.ts).
const receiverPortClash: Rule = (c) => {
  const central = c.hosts.find((h) => h.role === 'central');
  if (!central || c.fleet.mode !== 'agent' || !c.fleet.tls || c.fleet.receiver_port !== undefined) return [];
  if (c.listen !== '0.0.0.0' && c.listen !== central.address) return [];
  return [issue(['fleet', 'tls'], 'port_clash', `the TLS remote-write receiver would take port ${c.ports.prometheus} on ${central.address}, where Prometheus's UI is published (listen: ${c.listen})`, 'Set fleet.receiver_port to a free port, or listen to 127.0.0.1.')];
};

export const rules: Rule[] = [
  inventory,
  portClash,
  receiverPortClash,
  stackHostPortClash,
  duplicateJobs,
  (c) => duplicateNames(c.alertmanager.receivers, ['alertmanager', 'receivers'], 'receiver', ['null', 'obsctl-verify']),
  (c) => duplicateNames(c.prometheus.remote_write, ['prometheus', 'remote_write'], 'remote_write'),
  packNeedsExporter,
  receiverReferences,
  gpuProfiling,
  thresholdOrder,
  exposure,
  webhookPort,
  reservedLabels,
  hostPorts,
  sloConfigRules,
];

export function crossFieldRules(config: Config, raw: unknown): { errors: RuleIssue[]; warnings: RuleIssue[] } {
  const all = rules.flatMap((rule) => rule(config, raw));
  return { errors: all.filter((i) => i.severity === 'error'), warnings: all.filter((i) => i.severity === 'warning') };
}

/** Every secret reference in the config with where it sits, for the secret-existence check. */
export function secretRefs(config: Config): { at: PropertyKey[]; ref: SecretRef; name: string }[] {
  const out: { at: PropertyKey[]; ref: SecretRef; name: string }[] = [];
  config.targets.forEach((t, i) => {
    if (t.basic_auth) out.push({ at: ['targets', i, 'basic_auth', 'password'], ref: t.basic_auth.password, name: `target_${t.name}_password` });
    if (t.bearer_token) out.push({ at: ['targets', i, 'bearer_token'], ref: t.bearer_token, name: `target_${t.name}_token` });
  });
  config.prometheus.remote_write.forEach((w, i) => {
    if (w.basic_auth) out.push({ at: ['prometheus', 'remote_write', i, 'basic_auth', 'password'], ref: w.basic_auth.password, name: `remote_write_${w.name}_password` });
    if (w.bearer_token) out.push({ at: ['prometheus', 'remote_write', i, 'bearer_token'], ref: w.bearer_token, name: `remote_write_${w.name}_token` });
  });
  config.alertmanager.receivers.forEach((r, i) => {
    const at = ['alertmanager', 'receivers', i];
    if (r.type === 'webhook') out.push({ at: [...at, 'url'], ref: r.url, name: `receiver_${r.name}_url` });
    if (r.type === 'slack') out.push({ at: [...at, 'api_url'], ref: r.api_url, name: `receiver_${r.name}_api_url` });
    if (r.type === 'pagerduty') out.push({ at: [...at, 'routing_key'], ref: r.routing_key, name: `receiver_${r.name}_routing_key` });
    if (r.type === 'email' && r.auth_password) out.push({ at: [...at, 'auth_password'], ref: r.auth_password, name: `receiver_${r.name}_password` });
  });
  if (config.grafana.admin_password) out.push({ at: ['grafana', 'admin_password'], ref: config.grafana.admin_password, name: 'grafana_admin_password' });
  out.push(...integrationSecrets(config));
  return out.map((s) => ({ ...s, name: s.name.replace(/-/g, '_') }));
}
