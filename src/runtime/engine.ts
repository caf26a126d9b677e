// The Docker Engine, behind a small port. The real adapter is dockerode (the Engine API over the
// socket); tests of the logic around it can hand in a fake.
import type { IncomingMessage } from 'node:http';
import Docker from 'dockerode';

export interface ContainerSummary {
  id: string;
  service: string;
  state: string; // running, exited, ...
  health?: string; // healthy, unhealthy, starting
  image: string;
  created: number; // unix seconds
  startedAt?: string;
  /** How often the engine restarted it (restart policy); watch shows it. */
  restarts?: number;
  ports: { hostIp: string; hostPort: number; containerPort: number }[];
  /** Stands in for real hardware (the simulated GPU exporter). */
  simulated: boolean;
}

export interface EngineInfo {
  serverVersion: string;
  architecture: string; // x86_64, aarch64
  os: string;
  runtimes: string[];
  cdiSpecDirs: string[];
  dockerRootDir: string;
  /** The engine's clock when it answered (RFC 3339), to tell clock skew. */
  systemTime?: string;
}

/** What a container really runs with, from the Engine API (verify's hardening group compares it). */
export interface ContainerRuntimeConfig {
  capDrop: string[];
  capAdd: string[];
  privileged: boolean;
  readOnly: boolean;
  securityOpt: string[];
  user: string;
  memoryBytes: number;
  nanoCpus: number;
  logType: string;
  logOptions: Record<string, string>;
  /** Published ports: host address, host port, container port. */
  ports: { hostIp: string; hostPort: number; containerPort: number }[];
  /** The last exit was an OOM kill (the engine clears it when the container starts again). */
  oomKilled: boolean;
}

export interface Engine {
  /** Connects (GET /version): afterwards apiVersion says which Engine API the engine speaks. */
  ping(): Promise<void>;
  /**
   * The Engine API version (1.41 is Engine 20.10; 1.44 Engine 25) once ping answered, or once
   * projectContainers did: the engine names it in a header of every answer.
   */
  readonly apiVersion?: string;
  runtimeConfig(id: string): Promise<ContainerRuntimeConfig>;
  /** OOM kills of the project's containers the engine recorded since a time (unix seconds). */
  oomEvents(project: string, sinceSeconds: number): Promise<{ service: string; time: number }[]>;
  info(): Promise<EngineInfo>;
  /**
   * The Compose project's containers. `{ inspect: false }`: from the one list call alone (health
   * read from its status text), without startedAt and restarts, which need one inspect per
   * container: what `up` asks, so a no-change `up` is one Engine API call (issue 15). Sets
   * apiVersion from the answer's API-Version header, so that call needs no ping before it.
   */
  projectContainers(project: string, options?: { inspect?: boolean }): Promise<ContainerSummary[]>;
  healthLog(id: string): Promise<string[]>;
  imageArchitecture(image: string): Promise<string | undefined>;
  pull(image: string, onProgress: (line: string) => void): Promise<void>;
}

/**
 * A container's health as the list call shows it in its status text: the engine writes `Up 2
 * minutes (healthy)`, `(unhealthy)` or `(health: starting)` for a running container with a health
 * check, nothing for one without.
 */
export function healthFromStatus(status: string | undefined): string | undefined {
  const m = /\((healthy|unhealthy|health: starting)\)/.exec(status ?? '');
  return m ? (m[1] === 'health: starting' ? 'starting' : m[1]) : undefined;
}

export const archOf = (engineArch: string) => ({ x86_64: 'amd64', aarch64: 'arm64' })[engineArch] ?? engineArch;

export class DockerodeEngine implements Engine {
  private docker: Docker;
  constructor(docker = new Docker()) {
    this.docker = docker;
  }

  apiVersion?: string;

  // GET /version rather than /_ping: the same one round trip, and it says what the engine supports.
  async ping(): Promise<void> {
    this.apiVersion = (await this.docker.version()).ApiVersion;
  }

  async info(): Promise<EngineInfo> {
    const i = (await this.docker.info()) as Record<string, unknown>;
    return {
      serverVersion: String(i.ServerVersion ?? ''),
      architecture: String(i.Architecture ?? ''),
      os: String(i.OperatingSystem ?? ''),
      runtimes: Object.keys((i.Runtimes as object) ?? {}),
      cdiSpecDirs: (i.CDISpecDirs as string[] | undefined) ?? [],
      dockerRootDir: String(i.DockerRootDir ?? '/var/lib/docker'),
      ...(i.SystemTime ? { systemTime: String(i.SystemTime) } : {}),
    };
  }

  /**
   * GET /containers/json (unversioned: every engine answers it) through dockerode's own transport
   * (DOCKER_HOST, TLS, SSH), kept as a stream so the response's headers can be read: the engine
   * writes its API version in API-Version on every answer (API 1.25 and newer).
   */
  private async listContainers(filters: Record<string, string[]>): Promise<Docker.ContainerInfo[]> {
    const options = { path: '/containers/json?', method: 'GET', options: { all: true, filters }, isStream: true, statusCodes: { 200: true, 400: 'bad parameter', 500: 'server error' } };
    const res = await new Promise<IncomingMessage>((resolve, reject) => this.docker.modem.dial(options, (e, r) => (e ? reject(e) : resolve(r as IncomingMessage))));
    const version = res.headers['api-version'];
    if (typeof version === 'string' && version) this.apiVersion = version;
    const chunks: Buffer[] = [];
    for await (const chunk of res) chunks.push(chunk as Buffer);
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Docker.ContainerInfo[];
  }

  async projectContainers(project: string, options: { inspect?: boolean } = {}): Promise<ContainerSummary[]> {
    const list = await this.listContainers({ label: [`com.docker.compose.project=${project}`] });
    const out: ContainerSummary[] = [];
    for (const c of list) {
      const inspect = options.inspect === false ? undefined : await this.docker.getContainer(c.Id).inspect();
      const health = inspect ? inspect.State.Health?.Status : healthFromStatus(c.Status);
      out.push({
        id: c.Id,
        service: c.Labels['com.docker.compose.service'] ?? c.Names[0]?.replace(/^\//, '') ?? c.Id.slice(0, 12),
        state: c.State,
        ...(health ? { health } : {}),
        image: c.Image,
        created: c.Created,
        ...(inspect?.State.StartedAt ? { startedAt: inspect.State.StartedAt } : {}),
        ...(inspect ? { restarts: inspect.RestartCount ?? 0 } : {}),
        simulated: c.Labels['org.obsctl.simulated'] === 'true',
        ports: (c.Ports ?? []).filter((p) => p.PublicPort).map((p) => ({ hostIp: p.IP ?? '', hostPort: p.PublicPort, containerPort: p.PrivatePort })),
      });
    }
    return out.sort((a, b) => a.service.localeCompare(b.service));
  }

  async runtimeConfig(id: string): Promise<ContainerRuntimeConfig> {
    const i = await this.docker.getContainer(id).inspect();
    const h = i.HostConfig;
    const bindings = (h.PortBindings ?? {}) as Record<string, { HostIp?: string; HostPort?: string }[] | null>;
    return {
      capDrop: h.CapDrop ?? [],
      capAdd: h.CapAdd ?? [],
      privileged: h.Privileged === true,
      readOnly: h.ReadonlyRootfs === true,
      securityOpt: h.SecurityOpt ?? [],
      user: i.Config.User ?? '',
      memoryBytes: h.Memory ?? 0,
      nanoCpus: h.NanoCpus ?? 0,
      logType: h.LogConfig?.Type ?? '',
      logOptions: (h.LogConfig?.Config as Record<string, string> | undefined) ?? {},
      ports: Object.entries(bindings).flatMap(([spec, list]) =>
        (list ?? []).map((b) => ({ hostIp: b.HostIp ?? '', hostPort: Number(b.HostPort), containerPort: Number.parseInt(spec, 10) })),
      ),
      oomKilled: i.State.OOMKilled === true,
    };
  }

  async oomEvents(project: string, sinceSeconds: number): Promise<{ service: string; time: number }[]> {
    const until = Math.floor(Date.now() / 1000);
    const filters = JSON.stringify({ type: ['container'], event: ['oom'], label: [`com.docker.compose.project=${project}`] });
    // With `until` the engine answers with what it recorded and closes the stream.
    const stream = (await this.docker.getEvents({ since: sinceSeconds, until, filters } as never)) as unknown as NodeJS.ReadableStream;
    let text = '';
    for await (const chunk of stream) text += String(chunk);
    return text
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as { time: number; Actor?: { Attributes?: Record<string, string> } })
      .map((e) => ({ service: e.Actor?.Attributes?.['com.docker.compose.service'] ?? '', time: e.time }));
  }

  async healthLog(id: string): Promise<string[]> {
    const inspect = await this.docker.getContainer(id).inspect();
    return (inspect.State.Health?.Log ?? []).map((l) => `exit ${l.ExitCode}: ${l.Output.trim()}`);
  }

  async imageArchitecture(image: string): Promise<string | undefined> {
    try {
      const i = await this.docker.getImage(image).inspect();
      return i.Architecture;
    } catch {
      return undefined; // not present locally
    }
  }

  async pull(image: string, onProgress: (line: string) => void): Promise<void> {
    const stream = await this.docker.pull(image);
    await new Promise<void>((resolve, reject) => {
      this.docker.modem.followProgress(
        stream,
        (error: Error | null) => (error ? reject(error) : resolve()),
        (event: { status?: string; id?: string; progress?: string }) => {
          if (event.status) onProgress(`${image}${event.id ? ` ${event.id}` : ''}: ${event.status}${event.progress ? ` ${event.progress}` : ''}`);
        },
      );
    });
  }
}
