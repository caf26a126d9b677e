// `up` = plan + apply. The plan says what `up` would do without doing any of it: which services
// are created, recreated (and why), reloaded, restarted or removed; which files change; which
// images are pulled; what preflight found; and whether `up` must refuse. `obsctl plan` prints it.
import type { UserError } from '../errors.js';
import { errors } from '../errors.js';
import type { StackManifest } from '../render/manifest.js';
import type { WritePlan } from '../render/write.js';
import { changedConfig } from '../runtime/apply-plan.js';
import type { ContainerSummary } from '../runtime/engine.js';
import { missingImages } from '../runtime/images.js';
import type { PreflightCheck } from '../runtime/preflight.js';
import { stateDir } from '../runtime/stack-dir.js';
import type { LoadedConfig } from './config.js';
import type { Ports } from './ports.js';
import type { PreparedStack } from './stack.js';
import { validateCached } from './validation-cache.js';

export type RecreateReason = 'image' | 'ports' | 'config';

export type ServiceChange =
  | { service: string; action: 'create' }
  | { service: string; action: 'recreate'; reasons: RecreateReason[] }
  | { service: string; action: 'start' }
  | { service: string; action: 'reload' | 'restart'; files: string[] }
  | { service: string; action: 'remove' }
  | { service: string; action: 'keep' };

export interface UpPlan {
  project: string;
  dir: string;
  profile: string;
  files: WritePlan;
  services: ServiceChange[];
  /** Images missing on this host, pulled before anything else changes. */
  pull: string[];
  preflight: PreflightCheck[];
  /** Why `up` must not go ahead (validation, preflight, images), the first one to report. */
  refusal?: UserError;
  /** Containers of the project before `up` (ids tell afterwards what Compose really recreated). */
  existing: ContainerSummary[];
  /**
   * The stack on disk is exactly the one rendered now (validated when it was written) and every
   * service runs it, healthy: `up` has nothing to start, so it neither preflights nor runs Compose.
   */
  settled?: boolean;
}

export const hasChanges = (plan: UpPlan) =>
  plan.services.some((s) => s.action !== 'keep') || plan.files.create.length + plan.files.update.length + plan.files.remove.length > 0 || plan.pull.length > 0;

/**
 * What happens to each service, from the manifest of the stack that runs (previous), the one about
 * to run (next), the project's containers and the files that change. Pure.
 */
export function serviceChanges(previous: StackManifest | undefined, next: StackManifest, existing: ContainerSummary[], files: WritePlan): ServiceChange[] {
  const out: ServiceChange[] = [];
  for (const s of next.services) {
    const container = existing.find((c) => c.service === s.name);
    if (!container) {
      out.push({ service: s.name, action: 'create' });
      continue;
    }
    const before = previous?.services.find((p) => p.name === s.name);
    const reasons: RecreateReason[] = [];
    if (container.image !== s.image || (before && before.image !== s.image)) reasons.push('image');
    if (before && JSON.stringify(before.ports) !== JSON.stringify(s.ports)) reasons.push('ports');
    if (before && before.definition !== s.definition && reasons.length === 0) reasons.push('config');
    const config = changedConfig(files, s);
    if (reasons.length) out.push({ service: s.name, action: 'recreate', reasons });
    else if (container.state !== 'running') out.push({ service: s.name, action: 'start' });
    else if (config.length) out.push({ service: s.name, action: s.apply, files: config });
    else out.push({ service: s.name, action: 'keep' });
  }
  for (const c of existing) if (!next.services.some((s) => s.name === c.service)) out.push({ service: c.service, action: 'remove' });
  return out;
}

/** Every service of the manifest kept as it runs, running and healthy (or without a health check). */
export const settled = (services: ServiceChange[], existing: ContainerSummary[]) =>
  services.every((s) => s.action === 'keep') && existing.every((c) => c.state === 'running' && (c.health === undefined || c.health === 'healthy'));

/** The project's containers as listed when `up` or `plan` connected (Ports.engineWithProject). */
export interface ListedContainers {
  project: string;
  containers: ContainerSummary[];
}

export interface PlanOptions {
  pull?: 'missing' | 'always' | 'never';
  simulateGpu?: string | boolean;
  /** Planned from, not asked again: the list that connected is the one Engine API call of a no-change `up`. */
  listed?: ListedContainers;
}

export async function planUp(ports: Ports, loaded: LoadedConfig, stack: PreparedStack, options: PlanOptions): Promise<UpPlan> {
  const { config } = loaded;
  const { manifest, files } = stack.result;
  const writePlan = ports.stackFiles.plan(stack.dir, files);
  const changed = writePlan.create.length + writePlan.update.length + writePlan.remove.length > 0;
  let running = options.listed?.project === stack.project ? options.listed.containers : undefined;
  if (!changed) {
    // Nothing to write: one Engine API call says whether anything is left to do (issue 15).
    const existing = (running ??= await (await ports.engine()).projectContainers(stack.project, { inspect: false }));
    const services = serviceChanges(ports.stackFiles.readManifest(stack.dir), manifest, existing, writePlan);
    if (settled(services, existing)) return { project: stack.project, dir: stack.dir, profile: stack.profile, files: writePlan, services, pull: [], preflight: [], existing, settled: true };
  }
  // Validate what is about to run, unless it is exactly what ran (and was validated) last time, or
  // content these tools passed before. It runs alongside the host checks: both only read.
  const validation = changed
    ? validateCached(ports, stateDir(loaded.dir), files, false, () => ports.stackFiles.staged(stateDir(loaded.dir), files, (dir) => ports.validate(dir, { strict: false })))
    : undefined;
  validation?.catch(() => undefined); // awaited below; not unhandled if the engine fails first
  const engine = await ports.engine();
  const existing = running ?? (await engine.projectContainers(stack.project, { inspect: false }));
  const published = manifest.services.flatMap((s) => s.ports.map((p) => [p.address, p.port, s.name] as [string, number, string]));
  // node-exporter binds the gateway address in the host network: anything on that port on any
  // address clashes with it, unless it is our own node-exporter.
  const node = manifest.addresses.nodeExporter;
  if (node && !existing.some((c) => c.service === 'node-exporter' && c.state === 'running')) published.push(['0.0.0.0', node.port, 'node_exporter']);
  const [preflight, missing, report] = await Promise.all([
    ports.preflight({
      config,
      engine,
      gpu: manifest.gpu.profile !== 'none',
      simulateGpu: Boolean(options.simulateGpu),
      images: manifest.images,
      existing,
      ports: published,
      firstRun: existing.length === 0,
    }),
    missingImages(engine, manifest.images),
    validation,
  ]);
  let refusal: UserError | undefined;
  const failed = report?.checks.filter((c) => c.status === 'fail') ?? [];
  if (failed.length) refusal = errors.stackInvalid(failed.map((c) => `${c.name}: ${c.detail}`));
  const fatal = preflight.filter((c) => !c.ok && c.fatal);
  if (fatal.length && !refusal) refusal = errors.preflightFailed(fatal.length, fatal.map((c) => c.hint).filter(Boolean).join(' '), fatal.map((c) => `${c.name}: ${c.detail}`));
  const policy = options.pull ?? config.images.pull_policy;
  if (missing.length && policy === 'never' && !refusal) refusal = errors.imagesMissing(missing);
  return {
    project: stack.project,
    dir: stack.dir,
    profile: stack.profile,
    files: writePlan,
    services: serviceChanges(ports.stackFiles.readManifest(stack.dir), manifest, existing, writePlan),
    pull: policy === 'never' ? [] : missing,
    preflight,
    ...(refusal ? { refusal } : {}),
    existing,
  };
}
