// Pinned default images, each with the reason for its version. Every one is published for
// linux/amd64 AND linux/arm64 (DGX Spark is arm64). A user can override each one, and prefix all
// of them with a private registry. docs/images.md carries this table (test/images.test.ts keeps
// the two in sync).
import type { Config, ServiceName } from '../config/schema.js';

export interface ImagePin {
  image: string;
  /** Why this version and not another. */
  why: string;
  /** Platforms the publisher builds it for (the ones that matter here: amd64, arm64). */
  arch: string;
  /** What ran live on the test machines (no registry is reachable there). */
  tested: string;
}

export const imagePins: Record<ServiceName, ImagePin> = {
  prometheus: {
    image: 'prom/prometheus:v3.5.0',
    why: '3.5 is the LTS line; its OTLP receiver and UTF-8 names are stable. promtool 3.5 validates every render.',
    arch: 'amd64, arm64 (+ armv7, ppc64le, s390x)',
    tested: 'live: Prometheus 3.5.3 (Debian unstable build) runs every e2e stack; promtool 3.5.3 validates every golden',
  },
  alertmanager: {
    image: 'prom/alertmanager:v0.28.1',
    why: 'Newest release whose packaged build runs here; accepts webhook url_file (0.26+). amtool 0.33 also accepts the config, so 0.33 is a safe upgrade. No --enable-feature flags: 0.33+ refuses auto-gomaxprocs/auto-gomemlimit.',
    arch: 'amd64, arm64 (+ armv7, ppc64le, s390x)',
    tested: 'live: Alertmanager 0.28.1 (Debian trixie build) in every e2e stack; configs checked by amtool 0.28.1 and 0.33.1',
  },
  grafana: {
    image: 'grafana/grafana:12.1.1',
    why: 'Grafana 12 reads the dashboard JSON the foundation SDK writes and *_FILE secrets.',
    arch: 'amd64, arm64 (+ armv7)',
    tested: 'not live (no Grafana image reachable): provisioning checked against the documented format, API client against recorded responses',
  },
  'node-exporter': {
    image: 'prom/node-exporter:v1.9.1',
    why: 'Current 1.9 patch release; the metric names the host rules and dashboards use are unchanged since 1.x.',
    arch: 'amd64, arm64 (+ armv7, ppc64le, s390x)',
    tested: 'live: node_exporter 1.9.0 (Debian trixie build) in every e2e stack',
  },
  'dcgm-exporter': {
    image: 'nvcr.io/nvidia/k8s/dcgm-exporter:4.6.0-4.8.3-ubuntu22.04',
    why: 'Tags 4.2.3 to 4.5.x fail to pull on Docker 29 (DGX OS ships it): "Incorrect Repository Format" (NVIDIA/dcgm-exporter#659, #676); 4.6.0-4.8.3 pulls. The ubuntu variant so the health check can use bash /dev/tcp.',
    arch: 'amd64, arm64',
    tested: 'not live (no GPU here): recorded real dcgm-exporter output replayed by the simulator',
  },
  cadvisor: {
    image: 'gcr.io/cadvisor/cadvisor:v0.52.1',
    why: 'Optional container metrics; newest release published multi-arch on gcr.io.',
    arch: 'amd64, arm64 (+ arm, ppc64le, s390x)',
    tested: 'not live: rendered and validated (docker compose config) only',
  },
  blackbox: {
    image: 'prom/blackbox-exporter:v0.27.0',
    why: 'Optional probes; current release, module names unchanged since 0.2x.',
    arch: 'amd64, arm64 (+ armv7, ppc64le, s390x)',
    tested: 'not live: rendered and validated (docker compose config) only',
  },
  'dcgm-simulator': {
    image: 'node:22-alpine',
    why: 'Runs templates/dcgm-sim for --simulate-gpu (CI without a GPU); any Node >= 18 would do, 22 is the LTS obsctl runs on.',
    arch: 'amd64, arm64 (+ arm/v6, arm/v7, ppc64le, s390x)',
    tested: 'live: the same script on Node 22 (npm node package) in a local image, in the e2e stacks that simulate a GPU',
  },
  'postgres-exporter': {
    image: 'quay.io/prometheuscommunity/postgres-exporter:v0.17.1',
    why: 'integrations.postgres: the version Debian trixie packages, so the pin is the one that ran live here; busybox-based (sh reads the DSN secret, wget for the health check).',
    arch: 'amd64, arm64 (+ armv7, ppc64le, s390x)',
    tested: 'live: postgres_exporter 0.17.1 (Debian trixie build) against PostgreSQL 17 (Debian trixie) in test/e2e/integrations.test.ts',
  },
  'redis-exporter': {
    image: 'oliver006/redis_exporter:v1.69.0-alpine',
    why: 'integrations.redis: the version Debian trixie packages; the -alpine variant has a shell (the password secret is read at start) and wget for the health check, the plain tag is FROM scratch.',
    arch: 'amd64, arm64 (+ arm)',
    tested: 'live: redis_exporter 1.69.0 (Debian trixie build) against Redis 8.0 (Debian trixie) in test/e2e/integrations.test.ts',
  },
  pushgateway: {
    image: 'prom/pushgateway:v1.11.0',
    why: 'integrations.pushgateway: the version Debian trixie packages; runs as nobody with /pushgateway writable for the persistence file.',
    arch: 'amd64, arm64 (+ armv7, ppc64le, s390x)',
    tested: 'live: pushgateway 1.11.0 (Debian trixie build) in test/e2e/integrations.test.ts',
  },
  'victoria-metrics': {
    image: 'victoriametrics/victoria-metrics:v1.112.0',
    why: 'fleet.central.replicas: 2: the store both Prometheus replicas write to and Grafana reads, deduplicated by -dedup.minScrapeInterval; 1.112 is the version Debian trixie packages, so the pin is the one that ran live here.',
    arch: 'amd64, arm64 (+ arm, ppc64le, 386)',
    tested: 'live: VictoriaMetrics 1.112.0 (Debian trixie build) in test/e2e/fleet.test.ts and test/e2e/fleet-ha.test.ts',
  },
};

export const defaultImages = Object.fromEntries(Object.entries(imagePins).map(([s, p]) => [s, p.image])) as Record<ServiceName, string>;

/** The table docs/images.md shows between its pins markers. */
export function pinsMarkdown(): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  const rows = Object.entries(imagePins).map(
    ([service, p]) => `| ${service} | \`${p.image}\` | ${cell(p.why)} | ${cell(p.arch)} | ${cell(p.tested)} |`,
  );
  return ['| service | image | why this version | architectures | tested here |', '|---|---|---|---|---|', ...rows].join('\n');
}

/**
 * The image a service runs. An explicit override is used as written; the registry prefix replaces
 * the registry host of defaults (nvcr.io/nvidia/k8s/x -> mirror/nvidia/k8s/x).
 */
export function imageFor(config: Config, service: ServiceName): string {
  const override = config.images[service];
  if (override) return override;
  const image = defaultImages[service];
  const prefix = config.images.registry.replace(/\/+$/, '');
  if (!prefix) return image;
  const first = image.split('/')[0]!;
  const hasRegistryHost = image.includes('/') && (first.includes('.') || first.includes(':'));
  return `${prefix}/${hasRegistryHost ? image.slice(first.length + 1) : image}`;
}
