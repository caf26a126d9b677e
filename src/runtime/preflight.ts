// Checks before `up` changes anything: engine, Compose v2, GPU runtime, ports, disk, architecture.
// Each check says what is wrong and what to do; a failed fatal check stops `up` with exit 3.
import fs from 'node:fs';
import net from 'node:net';
import { execa } from 'execa';
import type { Config } from '../config/schema.js';
import { ComposeCli } from './compose-cli.js';
import { archOf, type ContainerSummary, type Engine } from './engine.js';

export interface PreflightCheck {
  name: string;
  ok: boolean;
  /** A failed non-fatal check is a warning. */
  fatal: boolean;
  detail: string;
  hint?: string;
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
  const checks: PreflightCheck[] = [];
  const info = await input.engine.info();
  checks.push({ name: 'docker engine', ok: true, fatal: true, detail: `Docker ${info.serverVersion} on ${info.os} (${archOf(info.architecture)})` });

  const compose = await ComposeCli.version();
  checks.push(
    compose && /^2\./.test(compose)
      ? { name: 'docker compose', ok: true, fatal: true, detail: `Compose ${compose}` }
      : { name: 'docker compose', ok: false, fatal: true, detail: compose ? `Compose ${compose} is not v2` : 'the Compose v2 plugin (`docker compose`) is missing', hint: 'Install the docker-compose-plugin package (Compose v2).' },
  );

  if (input.gpu && !input.simulateGpu) {
    const cdi = info.cdiSpecDirs.some((d) => fs.existsSync(d) && fs.readdirSync(d).some((f) => f.startsWith('nvidia')));
    const ok = info.runtimes.includes('nvidia') || cdi;
    checks.push({
      name: 'GPU runtime',
      ok,
      fatal: true,
      detail: ok ? (info.runtimes.includes('nvidia') ? 'NVIDIA container runtime registered' : 'NVIDIA CDI spec present') : 'dcgm-exporter needs the GPU, but Docker has no NVIDIA runtime or CDI spec',
      ...(ok ? {} : { hint: 'Install the NVIDIA Container Toolkit and run: sudo nvidia-ctk runtime configure --runtime=docker && sudo systemctl restart docker. Or set gpu: none.' }),
    });
  }

  const ours = new Set(input.existing.flatMap((c) => c.ports.map((p) => p.hostPort)));
  for (const [host, port, service] of input.ports) {
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

  try {
    const stat = fs.statfsSync(fs.existsSync(info.dockerRootDir) ? info.dockerRootDir : '/');
    const free = stat.bavail * stat.bsize;
    const need = sizeBytes(input.config.prometheus.retention_size);
    const ok = free >= need || !input.firstRun;
    checks.push({
      name: 'disk space',
      ok,
      fatal: input.firstRun,
      detail: `${(free / 1024 ** 3).toFixed(1)} GiB free for Docker volumes; retention_size ${input.config.prometheus.retention_size}`,
      ...(ok ? {} : { hint: 'Free space or lower prometheus.retention_size in obsctl.yaml.' }),
    });
  } catch {
    checks.push({ name: 'disk space', ok: false, fatal: false, detail: `cannot read free space of ${info.dockerRootDir}` });
  }

  const hostArch = archOf(info.architecture);
  for (const image of input.images) {
    const arch = await input.engine.imageArchitecture(image);
    if (arch && arch !== hostArch) {
      checks.push({ name: 'image architecture', ok: false, fatal: true, detail: `${image} is built for ${arch}, this host is ${hostArch}`, hint: `Pull the ${hostArch} variant (docker pull --platform linux/${hostArch} ${image}) or point images.* at a multi-arch image.` });
    }
  }
  return checks;
}
