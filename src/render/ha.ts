// HA central (fleet.central.replicas: 2, docs/fleet.md): the central stack runs two Prometheus
// replicas with the same scrape jobs and rules, told apart only by a `replica` external label; two
// Alertmanagers gossiping as one cluster on the stack network (each notification goes out once:
// the cluster shares its notification log); and VictoriaMetrics, which both replicas remote-write
// to with `replica` dropped, so their identical series meet there and `-dedup.minScrapeInterval`
// keeps one sample per scrape interval. Grafana reads VictoriaMetrics: its datasource survives
// either replica being down. Agents of an agent fleet write to both replicas (src/render/agent.ts).
// Why VictoriaMetrics and not a query frontend (Thanos Query, Promxy): it is already the
// long-term store of the fleet recipes and runs as one process; the replicas stay plain Prometheus.
import type { Config } from '../config/schema.js';
import { seconds } from '../duration.js';
import { base, onNetwork, wgetCheck, type Service } from './compose.js';
import type { Placement } from './inventory.js';
import { isAgentFleet } from './agent.js';
import { agentTlsOn } from './fleet-tls.js';
import type { StackSecret } from './secrets.js';

export const isHaCentral = (config: Config, place: Placement) => place.role !== 'node' && config.fleet.central.replicas === 2;

/** Where both replicas write and Grafana reads (VictoriaMetrics' Prometheus-compatible API). */
export const storeUrl = 'http://victoria-metrics:8428';
export const replicaConfigPath = 'prometheus/prometheus-b.yml';
const replicaLabel = 'replica';
const dropReplica = [{ action: 'labeldrop', regex: replicaLabel }];

/**
 * Where an agent node remote-writes in an HA fleet, besides replica a (receiverUrl). With
 * fleet.tls the agents write to central's TLS receiver only, which forwards to both replicas.
 */
export function replicaBReceiverUrl(config: Config): string | undefined {
  const c = config.hosts.find((h) => h.role === 'central');
  return c && config.fleet.central.replicas === 2 && !agentTlsOn(config) ? `http://${c.address}:${config.fleet.central.ports.prometheus_b}/api/v1/write` : undefined;
}

/** The TLS receiver's config (render/fleet-receiver.ts) forwarding to replica b as well. */
export function haReceiverConfig(receiver: Record<string, unknown>): Record<string, unknown> {
  const writes = (receiver.remote_write ?? []) as Record<string, unknown>[];
  const toB = writes.filter((w) => w.url === 'http://prometheus:9090/api/v1/write').map((w) => ({ ...w, name: `${String(w.name)}-b`, url: 'http://prometheus-b:9090/api/v1/write' }));
  return { ...receiver, remote_write: [...writes, ...toB] };
}

type PromConfig = Record<string, unknown> & { global: Record<string, unknown>; scrape_configs: Record<string, unknown>[]; remote_write?: unknown[] };

/**
 * The two replicas' prometheus.yml from the single-replica one: both scrape both replicas and both
 * Alertmanagers, send alerts to both Alertmanagers without `replica` (so the cluster sees one
 * alert, not two), and write to the store without `replica` (so VictoriaMetrics deduplicates).
 * The user's own remote_write entries keep `replica` (Thanos and Mimir deduplicate on it).
 */
export function haPrometheusConfigs(single: Record<string, unknown>): [Record<string, unknown>, Record<string, unknown>] {
  const prom = single as PromConfig;
  const targets: Record<string, string[]> = { prometheus: ['prometheus:9090', 'prometheus-b:9090'], alertmanager: ['alertmanager:9093', 'alertmanager-b:9093'] };
  const jobs = prom.scrape_configs.map((j) => {
    const t = targets[j.job_name as string];
    const sc = j.static_configs as { targets: string[]; labels?: Record<string, string> }[] | undefined;
    return t && sc ? { ...j, static_configs: sc.map((c) => ({ ...c, targets: t })) } : j;
  });
  const store = {
    name: 'ha-store',
    url: `${storeUrl}/api/v1/write`,
    queue_config: { capacity: 10000, max_shards: 10, max_samples_per_send: 2000, max_backoff: '10s' },
    write_relabel_configs: dropReplica,
  };
  const replica = (name: 'a' | 'b') => ({
    ...prom,
    global: { ...prom.global, external_labels: { ...(prom.global.external_labels as Record<string, string>), [replicaLabel]: name } },
    alerting: { alert_relabel_configs: dropReplica, alertmanagers: [{ static_configs: [{ targets: targets.alertmanager }] }] },
    scrape_configs: jobs,
    remote_write: [store, ...(prom.remote_write ?? [])],
  });
  return [replica('a'), replica('b')];
}

/** VictoriaMetrics' retention in days (its `m` suffix means months, not minutes). */
const retentionDays = (config: Config) => `${Math.max(1, Math.ceil(seconds(config.prometheus.retention_time) / 86400))}d`;

const swap = (list: string[] | undefined, from: string, to: string) => (list ?? []).map((x) => (x === from ? to : x.startsWith(from) ? to + x.slice(from.length) : x));

/**
 * Services added to the central stack, from the already built replica a (`prometheus`,
 * `alertmanager`): the second replica of each, the store, and replica a's Alertmanager joined to the
 * cluster. Replica b publishes its own ports (fleet.central.ports) on `listen`, and in an agent
 * fleet on central's address as well, where agents write to it.
 */
export function haServices(config: Config, place: Placement, built: Record<string, Service>, secrets: StackSecret[]): Record<string, Service> {
  const ports = config.fleet.central.ports;
  const promA = built.prometheus!;
  const amA = built.alertmanager!;
  const replicaOf = (s: Service, name: string, of: string): Service => ({ ...s, labels: { ...s.labels, 'org.obsctl.service': name, 'org.obsctl.replica-of': of } });
  const self = place.self;
  const receiverB = isAgentFleet(config) && !agentTlsOn(config) && self && config.listen !== '0.0.0.0' && config.listen !== self.address ? [`${self.address}:${ports.prometheus_b}:9090`] : [];
  const cluster = (peer: string) => ['--cluster.listen-address=0.0.0.0:9094', `--cluster.peer=${peer}:9094`];
  const amCommand = (peer: string) => [...(amA.command ?? []).filter((c) => !c.startsWith('--cluster.')), ...cluster(peer)];
  return {
    alertmanager: { ...amA, command: amCommand('alertmanager-b') },
    'prometheus-b': replicaOf(
      {
        ...promA,
        command: swap(promA.command, '--config.file=/etc/prometheus/prometheus.yml', '--config.file=/etc/prometheus/prometheus-b.yml'),
        volumes: swap(promA.volumes, 'prometheus-data:', 'prometheus-b-data:'),
        ports: [`${config.listen}:${ports.prometheus_b}:9090`, ...receiverB],
      },
      'prometheus-b',
      'prometheus',
    ),
    'alertmanager-b': replicaOf(
      { ...amA, command: amCommand('alertmanager'), volumes: swap(amA.volumes, 'alertmanager-data:', 'alertmanager-b-data:'), ports: [`${config.listen}:${ports.alertmanager_b}:9093`] },
      'alertmanager-b',
      'alertmanager',
    ),
    'victoria-metrics': {
      ...base(config, 'victoria-metrics', secrets),
      command: [
        '-storageDataPath=/storage',
        '-httpListenAddr=:8428',
        `-retentionPeriod=${retentionDays(config)}`,
        // Both replicas' samples of a series (and the agents' samples both replicas forward) fall
        // in the same interval: one is kept.
        `-dedup.minScrapeInterval=${config.prometheus.scrape_interval}`,
      ],
      volumes: ['victoria-metrics-data:/storage'],
      ports: [`${config.listen}:${ports.store}:8428`],
      healthcheck: wgetCheck('http://127.0.0.1:8428/health'),
      ...onNetwork,
    },
  };
}

export const haVolumes = { 'prometheus-b-data': {}, 'alertmanager-b-data': {}, 'victoria-metrics-data': {} };
