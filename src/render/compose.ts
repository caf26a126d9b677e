// The docker-compose file. Safe by default: UIs published on the listen address only (127.0.0.1
// unless the user says otherwise), exporters not published at all, the GPU handed to dcgm-exporter
// alone, SYS_ADMIN only for profiling, config mounted as directories (a single-file bind mount
// keeps the old inode when an editor replaces the file, so edits would be missed).
import type { Config } from '../config/schema.js';
import { imageFor } from './images.js';
import { prometheusFeatureFlags } from './prometheus-features.js';
import { gatewayAddress, networkName, nodeExporterAddress } from './network.js';
import { gpuEnabled, type RenderOptions } from './profile.js';
import { projectName, type Placement } from './inventory.js';
import { secretsFor, type StackSecret } from './secrets.js';
import { harden } from './hardening.js';
import { isAgentFleet, receiverFlags, receiverPorts } from './agent.js';
import { fleetSecretFile, fleetTlsOn, receiverService, webConfigPath } from './fleet-tls.js';
import { stackSecretFile } from './secrets.js';
import { receiverOn, receiverServiceDef } from './fleet-receiver.js';
import { integrationServices, integrationVolumes } from '../integrations/index.js';
import { haServices, haVolumes, isHaCentral } from './ha.js';

/** A Compose service: the keys obsctl's manifest reads are typed, the rest passes through. */
export interface Service {
  image: string;
  ports?: string[];
  volumes?: string[];
  network_mode?: string;
  labels?: Record<string, string>;
  command?: string[];
  healthcheck?: { test: string[]; interval: string; start_period: string; start_interval?: string; timeout?: string; retries?: number };
  [key: string]: unknown;
}

// A 5 s interval: `up --wait` sees healthy within seconds; on Engine 25+ start_interval makes it 1 s
// while the container starts (RenderOptions.healthcheckStartInterval).
export const wgetCheck = (url: string) => ({
  test: ['CMD', 'wget', '-q', '-O', '/dev/null', url],
  interval: '5s',
  timeout: '5s',
  retries: 5,
  start_period: '30s',
});

/**
 * Healthcheck `start_interval` needs Engine 25, API 1.44: Compose refuses to create a container
 * with it on an older engine ("can't set healthcheck.start_interval as feature require Docker
 * Engine v25 or later", Engine 20.10 here).
 */
export function startIntervalSupported(apiVersion: string | undefined): boolean {
  const [major = 0, minor = 0] = (apiVersion ?? '').split('.').map((n) => Number.parseInt(n, 10) || 0);
  return major > 1 || (major === 1 && minor >= 44);
}

/** Probes every second while the container starts, where the engine supports it (RenderOptions). */
const startInterval = (s: Service, options: RenderOptions): Service =>
  options.healthcheckStartInterval && s.healthcheck ? { ...s, healthcheck: { ...s.healthcheck, start_interval: '1s' } } : s;

export function base(config: Config, service: Parameters<typeof imageFor>[1], secrets: StackSecret[]): Service {
  const names = secretsFor(secrets, service);
  return {
    image: imageFor(config, service),
    pull_policy: config.images.pull_policy,
    restart: 'unless-stopped',
    labels: { 'org.obsctl.stack': config.name, 'org.obsctl.service': service },
    ...(names.length ? { secrets: names } : {}),
  };
}

const published = (config: Config, port: number, containerPort: number) => [`${config.listen}:${port}:${containerPort}`];

/** What each service function needs to know about this host's part of the stack. */
interface Ctx {
  config: Config;
  options: RenderOptions;
  secrets: StackSecret[];
  place: Placement;
}

export const onNetwork = { networks: [networkName] };

function prometheus({ config, secrets, place }: Ctx): Service {
  if (place.role === 'node') return agentPrometheus(config, secrets);
  return {
    ...base(config, 'prometheus', secrets),
    command: [
      '--config.file=/etc/prometheus/prometheus.yml',
      '--storage.tsdb.path=/prometheus',
      `--storage.tsdb.retention.time=${config.prometheus.retention_time}`,
      `--storage.tsdb.retention.size=${config.prometheus.retention_size}`,
      // Lets `obsctl up` apply config changes with POST /-/reload instead of a restart.
      '--web.enable-lifecycle',
      ...prometheusFeatureFlags(config),
      ...receiverFlags(config, place),
    ],
    volumes: ['./prometheus:/etc/prometheus:ro', 'prometheus-data:/prometheus'],
    ports: [...published(config, config.ports.prometheus, 9090), ...receiverPorts(config, place)],
    // App targets on the host itself are reached through the bridge gateway.
    extra_hosts: ['host.docker.internal:host-gateway'],
    healthcheck: wgetCheck('http://127.0.0.1:9090/-/ready'),
    ...onNetwork,
  };
}

/**
 * A node's Prometheus in an agent fleet: scrapes locally, remote-writes to central, keeps its WAL
 * in a volume. Not published: nothing queries an agent (it has no query API); a changed config
 * restarts it (the WAL carries what was not sent yet across the restart).
 */
function agentPrometheus(config: Config, secrets: StackSecret[]): Service {
  return {
    ...base(config, 'prometheus', secrets),
    command: ['--agent', '--config.file=/etc/prometheus/prometheus.yml', '--storage.agent.path=/prometheus'],
    volumes: ['./prometheus:/etc/prometheus:ro', 'prometheus-data:/prometheus'],
    healthcheck: wgetCheck('http://127.0.0.1:9090/-/ready'),
    ...onNetwork,
  };
}

function alertmanager({ config, secrets }: Ctx): Service {
  return {
    ...base(config, 'alertmanager', secrets),
    command: [
      '--config.file=/etc/alertmanager/alertmanager.yml',
      '--storage.path=/alertmanager',
      // One node: no gossip port listening for peers.
      '--cluster.listen-address=',
    ],
    volumes: ['./alertmanager:/etc/alertmanager:ro', 'alertmanager-data:/alertmanager'],
    ports: published(config, config.ports.alertmanager, 9093),
    healthcheck: wgetCheck('http://127.0.0.1:9093/-/ready'),
    ...onNetwork,
  };
}

function grafana({ config, secrets }: Ctx): Service {
  return {
    ...base(config, 'grafana', secrets),
    environment: {
      GF_SECURITY_ADMIN_USER: config.grafana.admin_user,
      GF_SECURITY_ADMIN_PASSWORD__FILE: '/run/secrets/grafana_admin_password',
      GF_AUTH_ANONYMOUS_ENABLED: String(config.grafana.anonymous_access),
      GF_USERS_ALLOW_SIGN_UP: 'false',
      GF_ANALYTICS_REPORTING_ENABLED: 'false',
      GF_ANALYTICS_CHECK_FOR_UPDATES: 'false',
      GF_PATHS_PROVISIONING: '/etc/grafana/provisioning',
    },
    volumes: ['./grafana/provisioning:/etc/grafana/provisioning:ro', './grafana/dashboards:/etc/obsctl/dashboards:ro', 'grafana-data:/var/lib/grafana'],
    ports: published(config, config.ports.grafana, 3000),
    healthcheck: wgetCheck('http://127.0.0.1:3000/api/health'),
    depends_on: { prometheus: { condition: 'service_healthy' } },
    ...onNetwork,
  };
}

const tls = (config: Config, place: Placement) => place.role === 'node' && fleetTlsOn(config);

function nodeExporter({ config, options, secrets, place }: Ctx): Service {
  // On a node host the exporters listen on the address the central stack reaches it by.
  // In an agent fleet only the node's own agent scrapes it: the bridge gateway is enough.
  const listen = place.role === 'node' && place.self && !isAgentFleet(config) ? `${place.self.address}:${place.self.ports.node_exporter}` : nodeExporterAddress(config);
  return {
    ...base(config, 'node-exporter', secrets),
    command: ['--path.rootfs=/host', `--web.listen-address=${listen}`, ...(tls(config, place) ? [`--web.config.file=${webConfigPath}`] : [])],
    // Host network and PID namespace: the host's interfaces and processes, not the container's.
    network_mode: 'host',
    pid: 'host',
    volumes: [options.sharedRootMount === false ? '/:/host:ro' : '/:/host:ro,rslave'],
    // Over TLS a plain request is answered 400 by the TLS listener itself: proof it serves, no credentials needed.
    healthcheck: tls(config, place) ? { ...wgetCheck(''), test: ['CMD-SHELL', `wget -q -O /dev/null http://${listen}/ 2>&1 | grep -q ' 400 '`] } : wgetCheck(`http://${listen}/`),
  };
}

/** Recorded real exporter output with moving values, served by a tiny Node script: no GPU. */
function dcgmSimulator(config: Config, options: RenderOptions): Service {
  return {
    image: imageFor(config, 'dcgm-simulator'),
    user: '65534:65534',
    command: ['node', '/sim/dcgm-simulator.mjs'],
    // A recording given by the user is replayed as recorded: every field and label it has.
    environment: { SIM_PROFILE: options.simulateGpuRecording ? 'replay' : options.profile, SIM_PORT: '9400' },
    volumes: ['./dcgm-sim:/sim:ro'],
    // Starting node takes seconds on a loaded host; a 5 s timeout failed fleet/ci runs on 2 busy cores.
    healthcheck: {
      test: ['CMD', 'node', '-e', "fetch('http://127.0.0.1:9400/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"],
      interval: '5s',
      timeout: '20s',
      retries: 5,
      start_period: '10s',
    },
  };
}

function dcgmExporter({ config, options, secrets, place }: Ctx): Service {
  const dcgm: Service = {
    ...base(config, 'dcgm-exporter', secrets),
    environment: {
      DCGM_EXPORTER_COLLECTORS: '/etc/dcgm-exporter/obsctl/counters.csv',
      DCGM_EXPORTER_INTERVAL: String(config.exporters.dcgm.collect_interval_ms),
      DCGM_EXPORTER_LISTEN: ':9400',
      // Otherwise the Hostname label is the container id and changes on every recreate.
      NODE_NAME: place.self?.name ?? config.name,
    },
    volumes: ['./dcgm:/etc/dcgm-exporter/obsctl:ro'],
    healthcheck: {
      test: ['CMD', 'bash', '-c', "exec 3<>/dev/tcp/127.0.0.1/9400 && printf 'GET /health HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q ' 200 ' <&3"],
      interval: '5s',
      timeout: '5s',
      retries: 5,
      start_period: '60s',
    },
    ...onNetwork,
  };
  if (tls(config, place)) {
    (dcgm.environment as Record<string, string>).DCGM_EXPORTER_WEB_CONFIG_FILE = webConfigPath;
    dcgm.healthcheck!.test = ['CMD', 'bash', '-c', "exec 3<>/dev/tcp/127.0.0.1/9400 && printf 'GET /health HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q ' 400 ' <&3"];
  }
  if (options.simulateGpu) Object.assign(dcgm, dcgmSimulator(config, options));
  if (place.role === 'node' && place.self && !isAgentFleet(config)) dcgm.ports = [`${place.self.address}:${place.self.ports.dcgm_exporter}:9400`];
  if (!options.simulateGpu) {
    dcgm.deploy = { resources: { reservations: { devices: [{ driver: 'nvidia', count: 'all', capabilities: ['gpu'] }] } } };
  } else {
    dcgm.labels = { ...dcgm.labels, 'org.obsctl.simulated': 'true' };
  }
  return dcgm;
}

function cadvisor({ config, secrets }: Ctx): Service {
  return {
    ...base(config, 'cadvisor', secrets),
    command: ['--docker_only=true', '--housekeeping_interval=15s'],
    volumes: ['/:/rootfs:ro', '/var/run:/var/run:ro', '/sys:/sys:ro', '/var/lib/docker/:/var/lib/docker:ro', '/dev/disk/:/dev/disk:ro'],
    devices: ['/dev/kmsg'],
    healthcheck: wgetCheck('http://127.0.0.1:8080/healthz'),
    ...onNetwork,
  };
}

function blackbox({ config, secrets }: Ctx): Service {
  return {
    ...base(config, 'blackbox', secrets),
    command: ['--config.file=/etc/blackbox_exporter/blackbox.yml'],
    volumes: ['./blackbox:/etc/blackbox_exporter:ro'],
    healthcheck: wgetCheck('http://127.0.0.1:9115/-/healthy'),
    ...onNetwork,
  };
}

export interface ComposeFile {
  name: string;
  services: Record<string, Service>;
  networks: Record<string, unknown>;
  volumes?: Record<string, object>;
  secrets?: Record<string, { environment: string } | { file: string }>;
}

export function renderCompose(config: Config, options: RenderOptions, secrets: StackSecret[], place: Placement = { role: 'single', nodes: [] }): ComposeFile {
  const ctx: Ctx = { config, options, secrets, place };
  const full = place.role !== 'node'; // a node host of an inventory runs its exporters only
  const agent = place.role === 'node' && isAgentFleet(config); // ...and, in an agent fleet, its agent
  const wanted: [string, boolean, (c: Ctx) => Service][] = [
    ['prometheus', full || agent, prometheus],
    ['alertmanager', full, alertmanager],
    ['grafana', full && config.grafana.enabled, grafana],
    ['node-exporter', config.exporters.node.enabled, nodeExporter],
    ['dcgm-exporter', gpuEnabled(config, options), dcgmExporter],
    ['cadvisor', full && config.exporters.cadvisor.enabled, cadvisor],
    ['blackbox', full && config.exporters.blackbox.probes.length > 0, blackbox],
  ];
  const built = Object.fromEntries(wanted.filter(([, on]) => on).map(([name, , build]) => [name, build(ctx)]));
  if (full) Object.assign(built, integrationServices(config, secrets));
  if (receiverOn(config, place)) built[receiverService] = receiverServiceDef(config, place, secrets, onNetwork);
  // HA central: second replicas, the Alertmanager cluster and the deduplicating store (src/render/ha.ts).
  const ha = isHaCentral(config, place);
  if (ha) Object.assign(built, haServices(config, place, built, secrets));
  // Least privilege, limits and log rotation: the same for every service, integrations included (src/render/hardening.ts).
  const services = Object.fromEntries(Object.entries(built).map(([name, s]) => [name, startInterval(harden(name, s, config), options)]));
  const volumes: Record<string, object> = full ? { 'prometheus-data': {}, 'alertmanager-data': {}, ...integrationVolumes(config) } : agent ? { 'prometheus-data': {} } : {};
  if (config.grafana.enabled && full) volumes['grafana-data'] = {};
  if (receiverOn(config, place)) volumes[`${receiverService}-data`] = {};
  if (ha) Object.assign(volumes, haVolumes);
  return {
    name: projectName(config, place.self?.name),
    services,
    networks: {
      [networkName]: {
        driver: 'bridge',
        ipam: { config: [{ subnet: config.network.subnet, gateway: gatewayAddress(config) }] },
      },
    },
    ...(Object.keys(volumes).length ? { volumes } : {}),
    ...(secrets.length ? { secrets: Object.fromEntries(secrets.map((s) => [s.name, 'fleet' in s.source ? { file: fleetSecretFile(s.name) } : { file: stackSecretFile(s.name) }])) } : {}),
  };
}
