// FAKE Engine and Compose for unit tests of up's plan and apply. Shaped after what the real
// adapters return on the real engine here (DockerodeEngine.projectContainers: one summary per
// container, sorted by service, `image` as the reference it was created from; `docker compose up`
// keeps a container whose definition is unchanged and recreates one whose definition changed).
// They stand in for Docker only; everything else in these tests is real.
import type { Compose, ComposeResult, Engine, Ports } from '../../src/app/ports.js';
import type { StackManifest } from '../../src/render/manifest.js';
import type { ContainerRuntimeConfig, ContainerSummary, EngineInfo } from '../../src/runtime/engine.js';
import { fsStackFiles } from '../../src/runtime/stack-dir.js';
import { SecretsFile } from '../../src/runtime/secrets-store.js';
import { readTextFile } from '../../src/runtime/text-files.js';

const ok: ComposeResult = { ok: true, stdout: '', stderr: '' };

export class FakeEngine implements Engine {
  containers: (ContainerSummary & { definition?: string })[] = [];
  /** Images present on the host, with their architecture. */
  present = new Map<string, string>();
  pulled: string[] = [];
  private next = 1;

  ping = async () => undefined;
  info = async (): Promise<EngineInfo> => ({ serverVersion: '20.10.24', architecture: 'x86_64', os: 'Debian GNU/Linux 13 (trixie)', runtimes: ['runc'], cdiSpecDirs: [], dockerRootDir: '/var/lib/docker' });
  projectContainers = async (_project: string) => [...this.containers].sort((a, b) => a.service.localeCompare(b.service));
  healthLog = async () => [];
  /** What each container runs with, by id (a hand-edited stack sets something else here). */
  runtime = new Map<string, ContainerRuntimeConfig>();
  ooms: { service: string; time: number }[] = [];
  runtimeConfig = async (id: string): Promise<ContainerRuntimeConfig> => {
    const r = this.runtime.get(id);
    if (!r) throw new Error(`fake engine: no such container ${id}`);
    return r;
  };
  oomEvents = async (_project: string, since: number) => this.ooms.filter((o) => o.time >= since);
  imageArchitecture = async (image: string) => this.present.get(image);
  pull = async (image: string, onProgress: (line: string) => void) => {
    onProgress(`${image}: Pull complete`);
    this.present.set(image, 'amd64');
    this.pulled.push(image);
  };

  /** A running, healthy container for every service of a manifest (a stack `up` brought up). */
  runStack(manifest: StackManifest): void {
    this.containers = manifest.services.map((s) => this.container(s.name, s.image, s.definition));
    for (const image of manifest.images) this.present.set(image, 'amd64');
  }

  container(service: string, image: string, definition?: string): ContainerSummary & { definition?: string } {
    const id = `${String(this.next++).padStart(12, '0')}${'f'.repeat(52)}`;
    return { id, service, state: 'running', health: 'healthy', image, created: 1_700_000_000, startedAt: '2026-12-01T22:00:00Z', ports: [], simulated: false, ...(definition ? { definition } : {}) };
  }
}

/** `docker compose up` as Compose behaves: keep what is unchanged, recreate what changed, create what is new, remove orphans. */
export class FakeCompose implements Compose {
  calls: string[] = [];
  /** Images whose containers start but never become healthy (`up --wait` then fails, as Compose does). */
  unhealthy = new Set<string>();
  constructor(
    private engine: FakeEngine,
    private desired: () => StackManifest,
  ) {}

  up = async () => {
    this.calls.push('up');
    const manifest = this.desired();
    this.engine.containers = manifest.services.map((s) => {
      const c = this.engine.containers.find((x) => x.service === s.name);
      return c && c.image === s.image && (c.definition === undefined || c.definition === s.definition) ? c : this.engine.container(s.name, s.image, s.definition);
    });
    const bad = this.engine.containers.filter((c) => this.unhealthy.has(c.image));
    for (const c of bad) c.health = 'unhealthy';
    if (bad.length) return { ok: false, stdout: '', stderr: bad.map((c) => `container ${manifest.project}-${c.service}-1 is unhealthy`).join('\n') };
    return ok;
  };
  down = async () => {
    this.calls.push('down');
    this.engine.containers = [];
    return ok;
  };
  restart = async (service: string) => {
    this.calls.push(`restart ${service}`);
    return ok;
  };
  logs = async () => ok;
}

/** Ports with the fake engine and compose; files, secrets and rendering are real. */
export function fakePorts(engine: FakeEngine, compose: (project: { dir: string }) => Compose, overrides: Partial<Ports> = {}): Ports & { reloads: string[]; lines: string[] } {
  const reloads: string[] = [];
  const lines: string[] = [];
  return {
    engine: async () => engine,
    engineWithProject: async (project) => ({ engine, containers: await engine.projectContainers(project) }),
    engineIfAvailable: async () => engine,
    compose,
    images: { save: async () => undefined, load: async () => undefined },
    validate: async () => ({ ok: true, checks: [{ name: 'fake validation', status: 'pass', detail: 'not run (unit test)' }], tools: [], warnings: [] }),
    preflight: async () => [],
    secrets: (file) => new SecretsFile(file),
    stackFiles: fsStackFiles,
    readText: readTextFile,
    writeText: () => undefined,
    detectGpu: async () => ({ profile: 'none', detail: 'fake: no nvidia-smi' }),
    rootMountIsShared: () => true,
    reload: async (url) => {
      reloads.push(url);
      return { ok: true, detail: 'reloaded' };
    },
    ensureGrafanaPassword: async () => ({ status: 'unchanged', detail: 'fake' }),
    env: {},
    now: () => 0,
    out: { info: (l) => lines.push(l), warn: (l) => lines.push(l), progress: () => undefined },
    tty: false,
    ...overrides,
    reloads,
    lines,
  };
}
