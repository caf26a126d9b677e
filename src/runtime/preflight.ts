// Checks before `up` changes anything: engine, Compose v2, GPU runtime, ports, disk, architecture.
// Each check says what is wrong and what to do; a failed fatal check stops `up` with exit 3.
import fs from 'node:fs';
import net from 'node:net';
import { execa } from 'execa';
import type { Config } from '../config/schema.js';
import type { StackManifest } from '../render/manifest.js';
import { ComposeCli } from './compose-cli.js';
import { errors } from '../errors.js';
import { archOf, DockerodeEngine, type ContainerSummary, type Engine, type EngineInfo } from './engine.js';
import { engineAddress } from './engine-address.js';

export interface PreflightCheck {
  name: string;
  ok: boolean;
  /** A failed non-fatal check is a warning. */
  fatal: boolean;
  detail: string;
  hint?: string;
}

export function engineErrorHint(e: unknown): { detail: string; hint: string } {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'EACCES') {
    return {
      detail: `permission denied on ${engineAddress()}`,
      hint: 'Add your user to the docker group: sudo usermod -aG docker $USER, then log out and in again.',
    };
  }
  return {
    detail: `no Docker engine answers on ${engineAddress()} (${code ?? (e as Error).message})`,
    hint: 'Install Docker Engine with the Compose v2 plugin (on DGX OS it is preinstalled) and start it: sudo systemctl start docker.',
  };
}

/** The Docker engine, or the user error saying why it cannot be reached (exit 3). */
export async function connectEngine(): Promise<DockerodeEngine> {
  const engine = new DockerodeEngine();
  try {
    await engine.ping();
  } catch (e) {
    const { detail, hint } = engineErrorHint(e);
    throw errors.dockerUnavailable(detail, hint);
  }
  return engine;
}

/** Bytes from a Prometheus size such as 20GB (powers of 1024, as Prometheus reads them). */
export function sizeBytes(size: string): number {
  const m = /^(\d+(?:\.\d+)?)(B|KB|MB|GB|TB|PB|EB)$/.exec(size);
  if (!m) return 0;
  const power = ['B', 'KB', 'MB', 'GB', 'TB', 'PB', 'EB'].indexOf(m[2]!);
  return Number(m[1]) * 1024 ** power;
}

export async function portFree(host: string, port: number): Promise<boolean> {
  return (await portState(host, port)) !== 'in-use';
}

/** `unavailable`: the address is not on this host (yet: e.g. the stack network's gateway before its first up). */
export async function portState(host: string, port: number): Promise<'free' | 'in-use' | 'unavailable'> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'EADDRNOTAVAIL' ? 'unavailable' : 'in-use'));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve('free')));
  });
}

/** Which process listens on a port, when `ss` can tell. */
async function listener(port: number): Promise<string | undefined> {
  const r = await execa('ss', ['-H', '-ltnp', `sport = :${port}`], { reject: false });
  const m = /users:\(\("([^"]+)",pid=(\d+)/.exec(String(r.stdout ?? ''));
  return m ? `${m[1]} (pid ${m[2]})` : undefined;
}

export interface PreflightInput {
  config: Config;
  engine: Engine;
  gpu: boolean;
  simulateGpu: boolean;
  images: string[];
  /** Containers of this project now: their ports are ours, not a clash. */
  existing: ContainerSummary[];
  /** Published host ports: [address, port, service]. */
  ports: [string, number, string][];
  firstRun: boolean;
}

export async function preflight(input: PreflightInput): Promise<PreflightCheck[]> {
  const info = await input.engine.info();
  return [
    engineCheck(info),
    composeCheck(await ComposeCli.version()),
    ...(input.gpu && !input.simulateGpu ? [gpuRuntimeCheck(info, true)] : []),
    ...(await portChecks(input.ports, input.existing)),
    diskCheck(info, input.config.prometheus.retention_size, input.firstRun),
    ...(await imageArchitectureChecks(input.engine, info, input.images)),
  ];
}

// The versions obsctl's own use needs: `extra_hosts: host-gateway` (Engine 20.10) and
// `docker compose up --wait-timeout` (Compose 2.17).
export const minimumEngine = '20.10';
export const minimumCompose = '2.17';

/** -1, 0, 1 comparing dotted versions numerically (2.9 < 2.17); a suffix (-ce, +ds1) is ignored. */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string) => v.replace(/^v/, '').split(/[.+~-]/).slice(0, 3).map((n) => Number.parseInt(n, 10) || 0);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) < (y[i] ?? 0) ? -1 : 1;
  return 0;
}

export function engineCheck(info: EngineInfo): PreflightCheck {
  const detail = `Docker ${info.serverVersion} on ${info.os} (${archOf(info.architecture)})`;
  return compareVersions(info.serverVersion, minimumEngine) < 0
    ? { name: 'docker engine', ok: false, fatal: true, detail: `${detail}: older than ${minimumEngine}, which the stack needs (host-gateway for the host's services)`, hint: `Upgrade Docker Engine to ${minimumEngine} or newer (docs.docker.com/engine/install).` }
    : { name: 'docker engine', ok: true, fatal: true, detail };
}

export function composeCheck(version: string | undefined): PreflightCheck {
  if (!version || !/^v?2\./.test(version)) {
    return { name: 'docker compose', ok: false, fatal: true, detail: version ? `Compose ${version} is not v2` : 'the Compose v2 plugin (`docker compose`) is missing', hint: 'Install the docker-compose-plugin package (Compose v2).' };
  }
  return compareVersions(version, minimumCompose) < 0
    ? { name: 'docker compose', ok: false, fatal: true, detail: `Compose ${version} is older than ${minimumCompose}: it has no \`up --wait-timeout\`, which obsctl up uses`, hint: `Upgrade the docker-compose-plugin package to ${minimumCompose} or newer.` }
    : { name: 'docker compose', ok: true, fatal: true, detail: `Compose ${version}` };
}

const toolkitCommand = 'sudo nvidia-ctk runtime configure --runtime=docker && sudo systemctl restart docker.';
const toolkitHint = `Install the NVIDIA Container Toolkit and run: ${toolkitCommand}`;

/** NVIDIA runtime or CDI spec; `needed` when the stack runs the real dcgm-exporter. */
export function gpuRuntimeCheck(info: EngineInfo, needed: boolean): PreflightCheck {
  const cdi = info.cdiSpecDirs.some((d) => fs.existsSync(d) && fs.readdirSync(d).some((f) => f.startsWith('nvidia')));
  const ok = info.runtimes.includes('nvidia') || cdi;
  if (ok) return { name: 'GPU runtime', ok, fatal: needed, detail: info.runtimes.includes('nvidia') ? 'NVIDIA container runtime registered' : 'NVIDIA CDI spec present' };
  return needed
    ? { name: 'GPU runtime', ok, fatal: true, detail: 'dcgm-exporter needs the GPU, but Docker has no NVIDIA runtime or CDI spec', hint: `${toolkitHint} Or set gpu: none.` }
    : { name: 'GPU runtime', ok, fatal: false, detail: 'Docker has no NVIDIA runtime or CDI spec (this stack does not need one: no real GPU exporter)', hint: `To monitor a GPU on this host, install the NVIDIA Container Toolkit and run: ${toolkitCommand}` };
}

/** Published host ports: [address, port, service]; ports of the project's own containers are no clash. */
export async function portChecks(ports: [string, number, string][], existing: ContainerSummary[]): Promise<PreflightCheck[]> {
  const checks: PreflightCheck[] = [];
  const ours = new Set(existing.flatMap((c) => c.ports.map((p) => p.hostPort)));
  for (const [host, port, service] of ports) {
    if (ours.has(port)) continue;
    const state = await portState(host, port);
    if (state === 'free') continue;
    if (state === 'unavailable') {
      checks.push({ name: `address ${host}`, ok: false, fatal: false, detail: `${host} is not an address of this host (yet); ${service} publishes port ${port} there` });
      continue;
    }
    const who = await listener(port);
    checks.push({ name: `port ${port}`, ok: false, fatal: true, detail: `${host}:${port} (for ${service}) is in use${who ? ` by ${who}` : ''}`, hint: `Stop that process or set ports.${service.replace('-', '_')} in obsctl.yaml.` });
  }
  return checks;
}

// Prometheus needs room beyond retention_size (WAL, head chunks, a compaction writes the new block
// before deleting the old ones): keep a fifth of the free space out of retention's reach.
export const diskMargin = 0.2;

export function diskCheck(info: EngineInfo, retentionSize: string, firstRun: boolean, freeBytes?: number): PreflightCheck {
  try {
    const free = freeBytes ?? ((s) => s.bavail * s.bsize)(fs.statfsSync(fs.existsSync(info.dockerRootDir) ? info.dockerRootDir : '/'));
    const need = sizeBytes(retentionSize);
    const detail = `${(free / 1024 ** 3).toFixed(1)} GiB free for Docker volumes; retention_size ${retentionSize}`;
    if (!firstRun || need <= free * (1 - diskMargin)) return { name: 'disk space', ok: true, fatal: firstRun, detail };
    const usable = `${((free * (1 - diskMargin)) / 1024 ** 3).toFixed(1)} GiB`;
    return free >= need
      ? { name: 'disk space', ok: false, fatal: false, detail: `${detail}: more than free disk minus a ${diskMargin * 100}% margin (${usable}) for the WAL and compactions; when the disk fills, Prometheus stops writing samples`, hint: `Lower prometheus.retention_size to ${usable.replace(' GiB', 'GB')} or less, or free space.` }
      : { name: 'disk space', ok: false, fatal: true, detail, hint: 'Free space or lower prometheus.retention_size in obsctl.yaml.' };
  } catch {
    return { name: 'disk space', ok: false, fatal: false, detail: `cannot read free space of ${info.dockerRootDir}` };
  }
}

/** Only images present here and built for another architecture (a missing one is pulled for this host's). */
export async function imageArchitectureChecks(engine: Engine, info: EngineInfo, images: string[]): Promise<PreflightCheck[]> {
  const hostArch = archOf(info.architecture);
  const checks: PreflightCheck[] = [];
  for (const image of images) {
    const arch = await engine.imageArchitecture(image);
    if (arch && arch !== hostArch) {
      checks.push({ name: 'image architecture', ok: false, fatal: true, detail: `${image} is built for ${arch}, this host is ${hostArch}`, hint: `Pull the ${hostArch} variant (docker pull --platform linux/${hostArch} ${image}) or point images.* at a multi-arch image.` });
    }
  }
  return checks;
}

/** The host ports the stack publishes ([address, port, service]), as the port checks want them. */
export function publishedPorts(manifest: StackManifest, config: Config, existing: ContainerSummary[]): [string, number, string][] {
  const ports = manifest.services.flatMap((s) => s.ports.map((p) => [p.address, p.port, s.name] as [string, number, string]));
  // node-exporter binds the gateway address in the host network: anything on that port on any
  // address clashes with it, unless it is our own node-exporter.
  if (config.exporters.node.enabled && !existing.some((c) => c.service === 'node-exporter' && c.state === 'running')) {
    ports.push(['0.0.0.0', config.ports.node_exporter, 'node_exporter']);
  }
  return ports;
}
