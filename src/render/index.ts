// render(config) -> files in memory. Pure and deterministic: the same config, options and content
// give byte-identical files, in a stable order. Writing, validating and running live elsewhere.
import { stringify } from 'yaml';
import type { Config } from '../config/schema.js';
import { renderAlertmanagerConfig } from './alertmanager.js';
import { renderCompose } from './compose.js';
import { renderCountersCsv } from './dcgm.js';
import { dashboardsFor, renderDashboardProvider, renderDatasources } from './grafana.js';
import { gpuEnabled, type RenderOptions } from './profile.js';
import { renderPrometheusConfig } from './prometheus.js';
import { renderRuleFiles, type ContentFile } from './rules.js';
import { stackSecrets, type StackSecret } from './secrets.js';

export interface RenderedFile {
  /** Relative to the output directory, always with forward slashes. */
  path: string;
  content: string;
}

export interface RenderResult {
  files: RenderedFile[];
  secrets: StackSecret[];
  services: string[];
}

const header = (what: string) => `# Written by obsctl from obsctl.yaml (${what}). Edit obsctl.yaml, not this file.\n`;
const yamlFile = (what: string, value: unknown) => header(what) + stringify(value, { lineWidth: 0, aliasDuplicateObjects: false });

export function render(config: Config, options: RenderOptions, content: ContentFile[]): RenderResult {
  const gpu = gpuEnabled(config, options);
  const secrets = stackSecrets(config);
  const files = new Map<string, string>();
  const rules = renderRuleFiles(config, content, gpu, options.profile);
  const compose = renderCompose(config, options, secrets);

  files.set('compose.yaml', yamlFile('docker compose project', compose));
  files.set('prometheus/prometheus.yml', yamlFile('Prometheus', renderPrometheusConfig(config, options, [...rules.keys()].some((p) => p.startsWith('prometheus/rules/')))));
  for (const [path, text] of rules) files.set(path, text);
  files.set('alertmanager/alertmanager.yml', yamlFile('Alertmanager', renderAlertmanagerConfig(config)));
  files.set('grafana/provisioning/datasources/obsctl.yaml', yamlFile('Grafana datasources', renderDatasources(config)));
  files.set('grafana/provisioning/dashboards/obsctl.yaml', yamlFile('Grafana dashboard provider', renderDashboardProvider()));
  for (const d of dashboardsFor(options.profile, gpu)) {
    files.set(`grafana/dashboards/${d.fileName}`, `${JSON.stringify(d.json, null, 2)}\n`);
  }
  if (gpu) files.set('dcgm/counters.csv', renderCountersCsv(config, options.profile));
  if (gpu && options.simulateGpu) {
    const sim = (name: string) => content.find((f) => f.path === `@sim/${name}`)?.text;
    const script = sim('dcgm-simulator.mjs');
    const recorded = sim('t4-dcgm-exporter.prom');
    if (!script || !recorded) throw new Error('render: simulated GPU requested but templates/dcgm-sim content was not loaded');
    files.set('dcgm-sim/dcgm-simulator.mjs', script);
    files.set('dcgm-sim/recorded.prom', recorded);
  }
  if (config.exporters.blackbox.probes.length > 0) {
    files.set(
      'blackbox/blackbox.yml',
      yamlFile('blackbox exporter', { modules: { http_2xx: { prober: 'http', timeout: '5s', http: { preferred_ip_protocol: 'ip4' } } } }),
    );
  }
  return {
    files: [...files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([path, content]) => ({ path, content })),
    secrets,
    services: Object.keys((compose as { services: object }).services),
  };
}
