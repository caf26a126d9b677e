// The ports the app layer works through. Real adapters (named by technology) are built in one
// place, src/cli/root.ts; unit tests hand in fakes (test/fakes/). Nothing in src/app touches
// Docker, the network or a process directly.
import type { RenderedFile } from '../render/index.js';
import type { StackManifest } from '../render/manifest.js';
import type { WritePlan } from '../render/write.js';
import type { ContainerSummary, Engine } from '../runtime/engine.js';
import type { GpuDetection } from '../runtime/gpu-detect.js';
import type { ReloadResult } from '../runtime/lifecycle.js';
import type { PreflightCheck, PreflightInput } from '../runtime/preflight.js';
import type { AdminPasswordOutcome } from '../grafana/admin-password.js';
import type { ValidationReport } from '../validate/types.js';

export type { Engine } from '../runtime/engine.js';

export interface ComposeResult {
  ok: boolean;
  stdout: string;
  stderr: string;
}

/** `docker compose` for one project (name, rendered directory, secret values in its env). */
export interface Compose {
  up(options: { waitSeconds: number; progress: 'plain' | 'auto' }): Promise<ComposeResult>;
  down(options: { volumes: boolean }): Promise<ComposeResult>;
  restart(service: string): Promise<ComposeResult>;
  logs(service: string | undefined, options: { follow: boolean; tail?: number; inherit: boolean; plain?: boolean }): Promise<ComposeResult>;
}

export interface ComposeProject {
  name: string;
  dir: string;
  env: Record<string, string>;
}

/** `docker image save/load`: one archive of the stack's images for air-gapped hosts. */
export interface ImageArchive {
  save(file: string, images: string[]): Promise<void>;
  load(file: string): Promise<void>;
}

/** obsctl's own secrets file (generated values, which Grafana password was applied). */
export interface SecretsStore {
  readonly file: string;
  get(key: string): string | undefined;
  set(key: string, value: string): void;
  save(): void;
}

/** The rendered stack on disk. */
export interface StackFiles {
  plan(dir: string, files: RenderedFile[]): WritePlan;
  apply(dir: string, files: RenderedFile[], plan: WritePlan): void;
  /** Writes files to a fresh private directory, runs fn on it, removes it. */
  staged<T>(parent: string | undefined, files: RenderedFile[], fn: (dir: string) => Promise<T>): Promise<T>;
  readManifest(dir: string): StackManifest | undefined;
  /** The files obsctl wrote into dir (per its write manifest), as they are now; undefined if none. */
  read(dir: string): RenderedFile[] | undefined;
}

export interface Output {
  /** A result line for people (stdout). */
  info(line: string): void;
  /** A warning or progress line (stderr). */
  warn(line: string): void;
  /** Pull progress; on a terminal one updating line. */
  progress(line: string): void;
}

export interface Ports {
  /** The Docker engine, connected; throws the catalog's DOCKER_UNAVAILABLE when it cannot be reached. */
  engine(): Promise<Engine>;
  /**
   * The engine, connected by listing one Compose project's containers rather than asking its
   * version: one Engine API call whose answer also says the API version (Engine.apiVersion). What
   * `up` and `plan` start with, so a no-change `up` asks the engine nothing more (issue 15). Throws
   * like engine(); afterwards engine() answers without a call.
   */
  engineWithProject(project: string): Promise<{ engine: Engine; containers: ContainerSummary[] }>;
  /** The engine if it answers, else undefined (verify works on remote stacks without one). */
  engineIfAvailable(): Promise<Engine | undefined>;
  compose(project: ComposeProject): Compose;
  images: ImageArchive;
  /** promtool, amtool, docker compose config, PromQL grammar on a rendered directory. */
  validate(dir: string, options: { strict: boolean }): Promise<ValidationReport>;
  preflight(input: PreflightInput): Promise<PreflightCheck[]>;
  secrets(file: string): SecretsStore;
  stackFiles: StackFiles;
  readText(file: string): string | undefined;
  writeText(file: string, text: string): void;
  /** Which validation tools would run (changes when any does); absent: validation is not cached. */
  toolsFingerprint?(): string;
  detectGpu(): Promise<GpuDetection>;
  rootMountIsShared(): boolean | undefined;
  reload(url: string): Promise<ReloadResult>;
  ensureGrafanaPassword(options: { url: string; user: string; desired: string; previous?: string }): Promise<AdminPasswordOutcome>;
  env: NodeJS.ProcessEnv;
  now(): number;
  out: Output;
  /** Whether output goes to a terminal (progress lines, compose progress). */
  tty: boolean;
}
