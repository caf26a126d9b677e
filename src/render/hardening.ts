// Least privilege, resource limits and log rotation for every rendered service, applied in one
// place so a new service gets them by naming its policy here (see docs/architecture.md). Each
// container: all capabilities dropped (only what the service needs added back), no-new-privileges,
// a read-only root filesystem (data volumes and tmpfs scratch stay writable), the image's non-root
// user, a memory limit without extra swap, a CPU limit, and rotating json-file logs. Exceptions are
// written next to the policy that needs them, and into the rendered file as a label.
import type { Config, ServiceName } from '../config/schema.js';
import type { Service } from './compose.js';

interface Policy {
  /** The user the container runs as: the upstream image's own non-root user; undefined = root. */
  user?: string;
  readOnly: boolean;
  /** Writable scratch directories on a read-only root. */
  tmpfs?: string[];
  capAdd?: (config: Config) => string[];
  privileged?: boolean;
  /** Why this service cannot run as strictly as the rest (shown as a label in compose.yaml). */
  exception?: string;
}

// Users are the ones the upstream images declare (prom/* run as nobody 65534, grafana/grafana as
// 472 in group 0): the named data volumes are filled from the image's own directories on first
// `up`, owned by that user, so ownership is right on first up and stays right after an upgrade.
export const policies: Record<ServiceName, Policy> = {
  prometheus: { user: '65534:65534', readOnly: true },
  alertmanager: { user: '65534:65534', readOnly: true },
  grafana: { user: '472:0', readOnly: true, tmpfs: ['/tmp:mode=1777', '/var/log/grafana:mode=1777'] },
  'node-exporter': { user: '65534:65534', readOnly: true },
  blackbox: { user: '65534:65534', readOnly: true },
  'dcgm-simulator': { user: '65534:65534', readOnly: true },
  // Integrations (src/integrations/): quay.io/prometheuscommunity/postgres-exporter and
  // prom/pushgateway run as nobody, oliver006/redis_exporter as 59000:59000.
  'postgres-exporter': { user: '65534:65534', readOnly: true },
  'redis-exporter': { user: '59000:59000', readOnly: true },
  pushgateway: { user: '65534:65534', readOnly: true },
  // victoriametrics/victoria-metrics declares no USER: it runs as the image's root, every
  // capability dropped, writing only its data volume (created root-owned from the image).
  'victoria-metrics': { readOnly: true, exception: "runs as the image's user (root in victoriametrics/victoria-metrics, which declares none); all capabilities dropped" },
  'dcgm-exporter': {
    // NVIDIA's own manifests run the exporter as root: its embedded DCGM host engine opens the
    // GPU's management interface and writes its log and state under /var at runtime.
    readOnly: false,
    // Profiling fields (DCGM_FI_PROF_*) need SYS_ADMIN (config refuses profiling on GB10, which has none).
    capAdd: (config) => (config.exporters.dcgm.profiling ? ['SYS_ADMIN'] : []),
    exception: 'runs as root with a writable root filesystem: DCGM host engine (NVIDIA manifests run it as uid 0)',
  },
  cadvisor: {
    // cAdvisor reads every container's cgroups, /dev/kmsg (OOM events) and Docker's state; its
    // upstream documentation runs it --privileged. Opt-in only (exporters.cadvisor.enabled).
    readOnly: true,
    privileged: true,
    exception: 'privileged: cAdvisor reads all cgroups and /dev/kmsg (upstream runs it --privileged); opt-in',
  },
};

const secretsException = 'writable root filesystem: Compose copies its secrets into /run/secrets at create time, which the Engine refuses on a read-only root';

/** Bytes of a size such as 2GB (powers of 1024, as Prometheus reads retention_size). */
export function bytesOf(size: string): number {
  const m = /^(\d+(?:\.\d+)?)(B|KB|MB|GB|TB|PB|EB)$/.exec(size);
  if (!m) return 0;
  return Math.floor(Number(m[1]) * 1024 ** ['B', 'KB', 'MB', 'GB', 'TB', 'PB', 'EB'].indexOf(m[2]!));
}

// Go's soft limit below the container's hard one: the garbage collector works harder before the
// kernel OOM-kills (headroom for the memory Go does not count: mmapped TSDB chunks, stacks).
const goMemLimitRatio = 0.8;

/** GOMEMLIMIT for a container limit, in MiB as Go reads it. */
export const goMemLimit = (limitBytes: number) => `${Math.floor((limitBytes * goMemLimitRatio) / 1024 ** 2)}MiB`;

/** The policy a rendered service runs under (the simulated GPU exporter has the simulator's). */
export function policyName(name: string, service: Service): ServiceName {
  if (name === 'prometheus-receiver') return 'prometheus'; // central's TLS receiver is a Prometheus (render/fleet-receiver.ts)
  if (service.labels?.['org.obsctl.simulated'] === 'true') return 'dcgm-simulator';
  // An HA central's second replica (prometheus-b, alertmanager-b) runs as its first does.
  return (service.labels?.['org.obsctl.replica-of'] ?? name) as ServiceName;
}

export function harden(name: string, service: Service, config: Config): Service {
  const kind = policyName(name, service);
  const policy = policies[kind];
  if (!policy) throw new Error(`render: no hardening policy for service ${name}; add one to src/render/hardening.ts`);
  const limits = config.resources[kind];
  const memory = bytesOf(limits.memory);
  const capAdd = policy.capAdd?.(config) ?? [];
  // Compose hands environment-sourced secrets over by copying them into /run/secrets after it
  // creates the container, and the Engine refuses any copy onto a read-only root ("container
  // rootfs is marked read-only"), even under a tmpfs, which exists only once the container runs.
  const copiesSecrets = Array.isArray(service.secrets) && service.secrets.length > 0;
  const readOnly = policy.readOnly && !copiesSecrets;
  const exceptions = [policy.exception, policy.readOnly && copiesSecrets ? secretsException : undefined].filter(Boolean);
  const out: Service = {
    ...service,
    ...(policy.privileged ? { privileged: true } : { cap_drop: ['ALL'], ...(capAdd.length ? { cap_add: capAdd } : {}) }),
    security_opt: ['no-new-privileges:true'],
    read_only: readOnly,
    ...(policy.tmpfs ? { tmpfs: policy.tmpfs } : {}),
    ...(policy.user ? { user: policy.user } : {}),
    mem_limit: memory,
    // Equal to mem_limit: no swap on top, so the limit is the limit.
    memswap_limit: memory,
    cpus: limits.cpus,
    logging: { driver: 'json-file', options: { 'max-size': config.resources.logs.max_size, 'max-file': String(config.resources.logs.max_files) } },
  };
  if (exceptions.length) out.labels = { ...out.labels, 'org.obsctl.hardening.exception': exceptions.join('; ') };
  if (kind === 'prometheus') {
    out.environment = { ...(service.environment as Record<string, string> | undefined), GOMEMLIMIT: goMemLimit(memory) };
  }
  return out;
}

/** What a service runs with, as the manifest records it and `verify` compares with the engine. */
export interface ServiceHardening {
  capDrop: string[];
  capAdd: string[];
  privileged: boolean;
  readOnly: boolean;
  noNewPrivileges: boolean;
  user: string;
  memoryBytes: number;
  nanoCpus: number;
  logMaxSize: string;
  logMaxFile: string;
}

export function describeHardening(s: Service): ServiceHardening {
  const logging = s.logging as { options?: Record<string, string> } | undefined;
  return {
    capDrop: (s.cap_drop as string[] | undefined) ?? [],
    capAdd: (s.cap_add as string[] | undefined) ?? [],
    privileged: s.privileged === true,
    readOnly: s.read_only === true,
    noNewPrivileges: ((s.security_opt as string[] | undefined) ?? []).includes('no-new-privileges:true'),
    user: typeof s.user === 'string' ? s.user : '',
    memoryBytes: typeof s.mem_limit === 'number' ? s.mem_limit : 0,
    nanoCpus: typeof s.cpus === 'number' ? Math.round(s.cpus * 1e9) : 0,
    logMaxSize: logging?.options?.['max-size'] ?? '',
    logMaxFile: logging?.options?.['max-file'] ?? '',
  };
}
