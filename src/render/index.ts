// render(config) -> files in memory. Pure and deterministic: the same config, options and content
// give byte-identical files, in a stable order. Writing, validating and running live elsewhere.
import { stringify } from 'yaml';
import type { Config } from '../config/schema.js';
import { renderAlertmanagerConfig } from './alertmanager.js';
import { renderCompose } from './compose.js';
import { applyImageLock } from './image-lock.js';
import { composeLiteral } from './escape.js';
import { fleetCapabilities, hostCapabilities } from './capabilities.js';
import { renderCountersCsv } from './dcgm.js';
import { rulesForCapabilities } from './gpu-rules.js';
import { withUnifiedMemoryRules } from './unified-memory-rules.js';
import { dashboardsFor, renderDashboardProvider, renderDatasources } from './grafana.js';
import { fileSdGroups, fleetProfile, identity, placement, type Placement } from './inventory.js';
import { gpuEnabled, type RenderOptions } from './profile.js';
import { renderPrometheusConfig } from './prometheus.js';
import { renderRuleFiles, type ContentFile } from './rules.js';
import { stackSecrets, type StackSecret } from './secrets.js';
import { describeStack } from './describe.js';
import { manifestFile, type StackManifest } from './manifest.js';
import { projectName } from './inventory.js';
import { renderSloFiles, sloPanels } from '../slo/render.js';
import { isAgentFleet, renderAgentConfig } from './agent.js';
import { fleetSecrets, receiverService } from './fleet-tls.js';
import { receiverOn, renderReceiverConfig } from './fleet-receiver.js';
import { integrationDashboards } from '../integrations/index.js';
import { prometheusDatasourceUid } from './grafana.js';
import { haPrometheusConfigs, haReceiverConfig, isHaCentral, replicaConfigPath, storeUrl } from './ha.js';

export interface RenderedFile {
  /** Relative to the output directory, always with forward slashes. */
  path: string;
  content: string;
}

export interface RenderResult {
  files: RenderedFile[];
  secrets: StackSecret[];
  services: string[];
  /** What was rendered, as data (also written as stack.json): read this, never the files. */
  manifest: StackManifest;
}

const header = (what: string) => `# Written by obsctl from obsctl.yaml (${what}). Edit obsctl.yaml, not this file.\n`;
const yamlFile = (what: string, value: unknown) => header(what) + stringify(value, { lineWidth: 0, aliasDuplicateObjects: false });

/** This host's view of the config: its own network and node-exporter port with an inventory. */
function localConfig(config: Config, place: Placement): Config {
  if (!place.self) return config;
  return {
    ...config,
    network: { subnet: place.self.network_subnet ?? config.network.subnet },
    ports: { ...config.ports, node_exporter: place.self.ports.node_exporter },
  };
}

export function render(fullConfig: Config, options: RenderOptions, content: ContentFile[]): RenderResult {
  const place = placement(fullConfig, options.host);
  const config = localConfig(fullConfig, place);
  const gpu = gpuEnabled(config, options);
  const exportersOnly = place.role === 'node';
  const contentProfile = fleetProfile(config, place, options.profile);
  const gpuContent = contentProfile !== 'none' && config.exporters.dcgm.enabled;
  const secrets = [...(exportersOnly ? [] : stackSecrets(config)), ...fleetSecrets(config, place, ['node-exporter', 'dcgm-exporter'])];
  const gpuHosts = place.self
    ? fullConfig.hosts.map((h) => ({ name: h.name, profile: h === place.self ? options.profile : h.gpu }))
    : [{ name: config.name, profile: options.profile }];
  const perHost = hostCapabilities(gpuHosts, options.gpuCapabilities, config.exporters.dcgm.profiling, config.exporters.dcgm.extra_counters);
  const gpuCaps = gpuContent ? fleetCapabilities(perHost) : undefined;
  const files = new Map<string, string>();
  const compose = applyImageLock(renderCompose(config, options, secrets, place), options.imageLock);
  files.set('compose.yaml', yamlFile('docker compose project', composeLiteral(compose)));
  let rules = new Map<string, string>();
  let prometheus: ReturnType<typeof renderPrometheusConfig> | undefined;
  const dashboards = exportersOnly
    ? []
    : [...dashboardsFor(contentProfile, gpuContent, gpuCaps, sloPanels(config), config.anomalies.length > 0), ...integrationDashboards(config, prometheusDatasourceUid, gpuContent ? contentProfile : 'none')];

  if (!exportersOnly) {
    rules = renderRuleFiles(config, content, gpuContent, contentProfile);
    // GPU rules only for fields some GPU of this stack reports (nothing silently dead).
    if (gpuCaps) rules = rulesForCapabilities(rules, gpuCaps.fields).files;
    // A fleet: the unified-memory alert for its GB10 hosts (a mixed fleet's profile left it out), scoped to them.
    if (gpuContent && place.self) rules = withUnifiedMemoryRules(rules, config, content, perHost);
    for (const [path, text] of renderSloFiles(config)) rules.set(path, text);
    const hasRules = [...rules.keys()].some((p) => p.startsWith('prometheus/rules/'));
    prometheus = renderPrometheusConfig(config, options, hasRules, place, identity(config, place));
    if (isHaCentral(config, place)) {
      const [a, b] = haPrometheusConfigs(prometheus);
      prometheus = a as typeof prometheus;
      files.set(replicaConfigPath, yamlFile('Prometheus replica b', b));
    }
    files.set('prometheus/prometheus.yml', yamlFile('Prometheus', prometheus));
    for (const [path, text] of rules) files.set(path, text);
    if (place.role === 'central') {
      for (const job of ['node-exporter', 'dcgm-exporter'] as const) {
        const groups = fileSdGroups(place, job);
        if (groups.length) files.set(`prometheus/file_sd/${job}.json`, `${JSON.stringify(groups, null, 2)}\n`);
      }
    }
    files.set('alertmanager/alertmanager.yml', yamlFile('Alertmanager', renderAlertmanagerConfig(config)));
    files.set('grafana/provisioning/datasources/obsctl.yaml', yamlFile('Grafana datasources', isHaCentral(config, place) ? renderDatasources(config, storeUrl) : renderDatasources(config)));
    files.set('grafana/provisioning/dashboards/obsctl.yaml', yamlFile('Grafana dashboard provider', renderDashboardProvider()));
    for (const d of dashboards) {
      files.set(`grafana/dashboards/${d.fileName}`, `${JSON.stringify(d.json, null, 2)}\n`);
    }
  }
  if (receiverOn(config, place)) files.set(`${receiverService}/prometheus.yml`, yamlFile('Prometheus TLS remote-write receiver', isHaCentral(config, place) ? haReceiverConfig(renderReceiverConfig()) : renderReceiverConfig()));
  if (exportersOnly && isAgentFleet(fullConfig)) {
    files.set('prometheus/prometheus.yml', yamlFile('Prometheus agent', renderAgentConfig(config, place, identity(config, place), gpu)));
  }
  if (gpu) files.set('dcgm/counters.csv', renderCountersCsv(config, options.profile));
  if (gpu && options.simulateGpu) {
    const sim = (name: string) => content.find((f) => f.path === `@sim/${name}`)?.text;
    const script = sim('dcgm-simulator.mjs');
    const recorded = options.simulateGpuRecording ?? sim('t4-dcgm-exporter.prom');
    if (!script || !recorded) throw new Error('render: simulated GPU requested but templates/dcgm-sim content was not loaded');
    files.set('dcgm-sim/dcgm-simulator.mjs', script);
    files.set('dcgm-sim/recorded.prom', recorded);
  }
  if (config.exporters.blackbox.probes.length > 0 && !exportersOnly) {
    files.set(
      'blackbox/blackbox.yml',
      yamlFile('blackbox exporter', { modules: { http_2xx: { prober: 'http', timeout: '5s', http: { preferred_ip_protocol: 'ip4' } } } }),
    );
  }
  const manifest = describeStack({
    config,
    place,
    project: projectName(fullConfig, place.self?.name),
    gpuProfile: gpu ? options.profile : 'none',
    contentProfile,
    simulated: Boolean(options.simulateGpu),
    compose,
    ...(prometheus ? { prometheus: prometheus as never } : {}),
    ruleFiles: rules,
    dashboards,
    secrets,
    // What each GPU host reports (this host's own on a node; every GPU host's on central).
    gpuCapabilities: gpuContent ? perHost : gpu && perHost[place.self?.name ?? config.name] ? { [place.self?.name ?? config.name]: perHost[place.self?.name ?? config.name]! } : {},
  });
  files.set(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
  return {
    manifest,
    files: [...files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([path, content]) => ({ path, content })),
    secrets,
    services: manifest.services.map((s) => s.name),
  };
}
