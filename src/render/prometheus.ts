// prometheus.yml: one scrape job per exporter and app target, Alertmanager wiring, rule files,
// remote_write. Credentials are *_file paths under /run/secrets, never values.
import type { AppTarget, Config } from '../config/schema.js';
import { nodeExporterAddress } from './network.js';
import { gpuEnabled, type RenderOptions } from './profile.js';
import { fileSdGroups, type Placement } from './inventory.js';
import { secretPath } from './secrets.js';
import { prometheusFeatureConfig } from './prometheus-features.js';
import { externalLabelsLiteral } from './escape.js';
import { centralScrapeAuth, fleetTlsOn, scrapeUser } from './fleet-tls.js';
import { integrationJobs } from '../integrations/index.js';

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

// Every series says which host it is from (`host`); with an inventory, the host's labels come too.
type Identity = Record<string, string>;

function staticJob(self: Identity, name: string, targets: string[], extra: Job = {}, labels: Record<string, string> = {}): Job {
  return { job_name: name, ...extra, static_configs: [{ targets, labels: { ...self, ...labels } }] };
}

function appJob(self: Identity, target: AppTarget): Job {
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
  job.static_configs = [{ targets: parsed.map((p) => p.address), labels: { ...self, ...target.labels } }];
  return job;
}

export function renderPrometheusConfig(config: Config, options: RenderOptions, ruleFiles: boolean, place: Placement = { role: 'single', nodes: [] }, identity?: Record<string, string>): Record<string, unknown> {
  const self: Identity = identity ?? { host: config.name };
  const remoteNodes = fileSdGroups(place, 'node-exporter').length > 0;
  const remoteGpus = fileSdGroups(place, 'dcgm-exporter').length > 0;
  const jobs: Job[] = [
    staticJob(self, 'prometheus', ['localhost:9090']),
    staticJob(self, 'alertmanager', ['alertmanager:9093']),
  ];
  if (config.grafana.enabled) jobs.push(staticJob(self, 'grafana', ['grafana:3000']));
  // Remote hosts come from file_sd files Prometheus re-reads on change: adding one needs no restart.
  // With fleet.tls the file_sd targets are https (their __scheme__) with the fleet's client credentials.
  const auth = fleetTlsOn(config) ? centralScrapeAuth(scrapeUser) : {};
  const withFileSd = (job: Job, name: string, remote: boolean): Job => (remote ? { ...job, ...auth, file_sd_configs: [{ files: [`file_sd/${name}.json`] }] } : job);
  if (config.exporters.node.enabled) jobs.push(withFileSd(staticJob(self, 'node-exporter', [nodeExporterAddress(config)]), 'node-exporter', remoteNodes));
  const dcgmRelabel = { metric_relabel_configs: [{ action: 'labeldrop', regex: 'Hostname|hostname' }] };
  if (!gpuEnabled(config, options) && remoteGpus && config.exporters.dcgm.enabled) {
    jobs.push({ job_name: 'dcgm-exporter', ...dcgmRelabel, ...auth, file_sd_configs: [{ files: ['file_sd/dcgm-exporter.json'] }] });
  }
  if (gpuEnabled(config, options)) {
    jobs.push(
      withFileSd(staticJob(
        self,
        'dcgm-exporter',
        ['dcgm-exporter:9400'],
        {
          // The exporter's Hostname (hostname after 4.8.2) label is a container id unless NODE_NAME
          // is set; the stable `host` label replaces it either way.
          metric_relabel_configs: [{ action: 'labeldrop', regex: 'Hostname|hostname' }],
        },
        options.simulateGpu ? { simulated: 'true' } : {},
      ), 'dcgm-exporter', remoteGpus && config.exporters.dcgm.enabled),
    );
  }
  if (config.exporters.cadvisor.enabled) jobs.push(staticJob(self, 'cadvisor', ['cadvisor:8080']));
  for (const probe of config.exporters.blackbox.probes) {
    jobs.push({
      job_name: probe.name,
      metrics_path: '/probe',
      params: { module: [probe.module] },
      static_configs: [{ targets: probe.urls, labels: self }],
      relabel_configs: [
        { source_labels: ['__address__'], target_label: '__param_target' },
        { source_labels: ['__param_target'], target_label: 'instance' },
        { target_label: '__address__', replacement: 'blackbox:9115' },
      ],
    });
  }
  jobs.push(...integrationJobs(config, self));
  jobs.push(...config.targets.map((t) => appJob(self, t)));

  const remoteWrite = config.prometheus.remote_write.map((w) => {
    const id = w.name.replace(/-/g, '_');
    const relabel = [
      ...(w.keep_metrics ? [{ source_labels: ['__name__'], regex: w.keep_metrics, action: 'keep' }] : []),
      ...(w.drop_labels.length ? [{ regex: w.drop_labels.join('|'), action: 'labeldrop' }] : []),
    ];
    return {
      name: w.name,
      url: w.url,
      queue_config: { capacity: w.queue.capacity, max_shards: w.queue.max_shards, max_samples_per_send: w.queue.max_samples_per_send },
      ...(relabel.length ? { write_relabel_configs: relabel } : {}),
      ...(w.basic_auth ? { basic_auth: { username: w.basic_auth.username, password_file: secretPath(`remote_write_${id}_password`) } } : {}),
      ...(w.bearer_token ? { authorization: { type: 'Bearer', credentials_file: secretPath(`remote_write_${id}_token`) } } : {}),
    };
  });

  return {
    global: {
      scrape_interval: config.prometheus.scrape_interval,
      evaluation_interval: config.prometheus.evaluation_interval,
      external_labels: externalLabelsLiteral({ stack: config.name, ...config.prometheus.external_labels }),
    },
    alerting: { alertmanagers: [{ static_configs: [{ targets: ['alertmanager:9093'] }] }] },
    ...(ruleFiles ? { rule_files: ['rules/*.rules.yml'] } : {}),
    scrape_configs: jobs,
    ...(remoteWrite.length ? { remote_write: remoteWrite } : {}),
    ...prometheusFeatureConfig(config),
  };
}
