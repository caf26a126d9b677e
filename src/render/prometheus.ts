// prometheus.yml: one scrape job per exporter and app target, Alertmanager wiring, rule files,
// remote_write. Credentials are *_file paths under /run/secrets, never values.
import type { AppTarget, Config } from '../config/schema.js';
import { nodeExporterAddress } from './network.js';
import { gpuEnabled, type RenderOptions } from './profile.js';
import { secretPath } from './secrets.js';

type Job = Record<string, unknown>;

/** Splits `http://host:9000/path` or `host:9000` into what a static_config needs. */
export function parseTargetUrl(url: string): { address: string; scheme?: 'http' | 'https'; path?: string } {
  const m = /^(?:(https?):\/\/)?([^/]+)(\/.*)?$/.exec(url);
  if (!m) return { address: url };
  let address = m[2]!;
  // Inside the Prometheus container, localhost is the container itself: the host is the gateway.
  address = address.replace(/^(localhost|127\.0\.0\.1)(?=:|$)/, 'host.docker.internal');
  const scheme = m[1] as 'http' | 'https' | undefined;
  if (!/:\d+$/.test(address)) address = `${address}:${scheme === 'https' ? 443 : 80}`;
  return { address, ...(scheme ? { scheme } : {}), ...(m[3] && m[3] !== '/' ? { path: m[3] } : {}) };
}

const hostLabel = (config: Config, extra: Record<string, string> = {}) => ({ host: config.name, ...extra });

function staticJob(config: Config, name: string, targets: string[], extra: Job = {}, labels: Record<string, string> = {}): Job {
  return { job_name: name, ...extra, static_configs: [{ targets, labels: hostLabel(config, labels) }] };
}

function appJob(config: Config, target: AppTarget): Job {
  const parsed = target.urls.map(parseTargetUrl);
  const scheme = parsed.find((p) => p.scheme)?.scheme ?? target.scheme;
  const path = parsed.find((p) => p.path)?.path ?? target.metrics_path;
  const job: Job = {
    job_name: target.name,
    ...(target.interval ? { scrape_interval: target.interval } : {}),
    scheme,
    metrics_path: path,
  };
  if (target.basic_auth) {
    job.basic_auth = { username: target.basic_auth.username, password_file: secretPath(`target_${target.name.replace(/-/g, '_')}_password`) };
  }
  if (target.bearer_token) {
    job.authorization = { type: 'Bearer', credentials_file: secretPath(`target_${target.name.replace(/-/g, '_')}_token`) };
  }
  job.static_configs = [{ targets: parsed.map((p) => p.address), labels: hostLabel(config, target.labels) }];
  return job;
}

export function renderPrometheusConfig(config: Config, options: RenderOptions, ruleFiles: boolean): Record<string, unknown> {
  const jobs: Job[] = [
    staticJob(config, 'prometheus', ['localhost:9090']),
    staticJob(config, 'alertmanager', ['alertmanager:9093']),
  ];
  if (config.grafana.enabled) jobs.push(staticJob(config, 'grafana', ['grafana:3000']));
  if (config.exporters.node.enabled) jobs.push(staticJob(config, 'node-exporter', [nodeExporterAddress(config)]));
  if (gpuEnabled(config, options)) {
    jobs.push(
      staticJob(
        config,
        'dcgm-exporter',
        ['dcgm-exporter:9400'],
        {
          // The exporter's Hostname (hostname after 4.8.2) label is a container id unless NODE_NAME
          // is set; the stable `host` label replaces it either way.
          metric_relabel_configs: [{ action: 'labeldrop', regex: 'Hostname|hostname' }],
        },
        options.simulateGpu ? { simulated: 'true' } : {},
      ),
    );
  }
  if (config.exporters.cadvisor.enabled) jobs.push(staticJob(config, 'cadvisor', ['cadvisor:8080']));
  for (const probe of config.exporters.blackbox.probes) {
    jobs.push({
      job_name: probe.name,
      metrics_path: '/probe',
      params: { module: [probe.module] },
      static_configs: [{ targets: probe.urls, labels: hostLabel(config) }],
      relabel_configs: [
        { source_labels: ['__address__'], target_label: '__param_target' },
        { source_labels: ['__param_target'], target_label: 'instance' },
        { target_label: '__address__', replacement: 'blackbox:9115' },
      ],
    });
  }
  jobs.push(...config.targets.map((t) => appJob(config, t)));

  const remoteWrite = config.prometheus.remote_write.map((w) => {
    const id = w.name.replace(/-/g, '_');
    return {
      name: w.name,
      url: w.url,
      ...(w.basic_auth ? { basic_auth: { username: w.basic_auth.username, password_file: secretPath(`remote_write_${id}_password`) } } : {}),
      ...(w.bearer_token ? { authorization: { type: 'Bearer', credentials_file: secretPath(`remote_write_${id}_token`) } } : {}),
    };
  });

  return {
    global: {
      scrape_interval: config.prometheus.scrape_interval,
      evaluation_interval: config.prometheus.evaluation_interval,
      external_labels: { stack: config.name, ...config.prometheus.external_labels },
    },
    alerting: { alertmanagers: [{ static_configs: [{ targets: ['alertmanager:9093'] }] }] },
    ...(ruleFiles ? { rule_files: ['rules/*.rules.yml'] } : {}),
    scrape_configs: jobs,
    ...(remoteWrite.length ? { remote_write: remoteWrite } : {}),
  };
}
