// The discovery step of `up`: after the stack is healthy, read what each GPU host reports, store it,
// and when it differs from what was rendered, re-render and apply the GPU content in place
// (Prometheus reloaded; Grafana re-reads dashboard files itself). Nothing is restarted. The
// re-rendered stack is validated first (promtool, amtool, compose: the same checks as `up`), and
// a stack that fails them is neither written nor reloaded: the running one stays, the previous
// discovery stays stored, and the outcome says why. A replayed recording or obsctl's own simulator
// is known before anything runs (prepareStack renders for it): nothing to discover there.
import fs from 'node:fs';
import path from 'node:path';
import type { GpuCapabilities } from '../render/capabilities.js';
import { applyWrite, planWrite } from '../render/write.js';
import { capabilitiesStateFile, discoverGpuCapabilities, readStoredCapabilities, sameCapabilities, storeCapabilities } from '../runtime/gpu-discovery.js';
import { resolveSimulation } from '../runtime/gpu-recording.js';
import { reloadUrls } from '../runtime/lifecycle.js';
import type { LoadedConfig } from './config.js';
import type { Ports } from './ports.js';
import { prepareStack, type PreparedStack } from './stack.js';

export interface DiscoveryOutcome {
  status: 'skipped' | 'not-ready' | 'unchanged' | 'applied' | 'rejected';
  detail: string;
}

type DiscoveryPorts = Pick<Ports, 'detectGpu' | 'rootMountIsShared' | 'reload' | 'validate' | 'stackFiles'>;

export async function discoverAndApply(
  ports: DiscoveryPorts,
  loaded: LoadedConfig,
  options: { simulateGpu?: string | boolean },
  stack: PreparedStack,
  stackDir: string,
  prometheus: string,
  waitMs = 30_000,
): Promise<DiscoveryOutcome> {
  const manifest = stack.result.manifest;
  if (manifest.role === 'node' || manifest.gpu.contentProfile === 'none' || !loaded.config.exporters.dcgm.enabled) return { status: 'skipped', detail: 'no GPU content here' };
  const simulation = resolveSimulation(options.simulateGpu, process.cwd());
  if (simulation?.recording) return { status: 'skipped', detail: 'capabilities come from the replayed recording' };
  // obsctl's own simulator serves a set known before it started, and the stack was rendered for
  // it: with no other GPU host to scrape (a central's inventory) there is nothing to discover.
  const otherGpuHosts = loaded.config.hosts.some((h) => h.name !== manifest.host && h.gpu !== 'none');
  if (simulation && !otherGpuHosts) return { status: 'skipped', detail: "capabilities come from the simulator's recording" };
  const found = await discoverGpuCapabilities(prometheus, manifest.gpu.counters, waitMs);
  if (!found) return { status: 'not-ready', detail: 'no DCGM series in Prometheus yet: GPU content stays as rendered from the profile; the next `up` discovers it' };
  return applyDiscovered(ports, loaded, options, stack, stackDir, prometheus, found, simulation?.profile ?? 'real');
}

/** Stores what was found; re-renders, validates, writes and reloads when it changes the stack. */
export async function applyDiscovered(
  ports: DiscoveryPorts,
  loaded: LoadedConfig,
  options: { simulateGpu?: string | boolean },
  stack: PreparedStack,
  stackDir: string,
  prometheus: string,
  found: Record<string, GpuCapabilities>,
  mode: string,
): Promise<DiscoveryOutcome> {
  const stateDir = path.join(loaded.dir, '.obsctl');
  const file = capabilitiesStateFile(stateDir);
  const previousText = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
  const before = readStoredCapabilities(stateDir, mode);
  storeCapabilities(stateDir, { mode, hosts: found });
  const describe = Object.entries(found).map(([h, c]) => `${h}: ${c.fields.length} fields`).join(', ');
  if (sameCapabilities(before, found)) return { status: 'unchanged', detail: describe };
  const host = stack.result.manifest.host;
  const again = await prepareStack(ports, loaded, {
    ...(options.simulateGpu !== undefined ? { simulateGpu: options.simulateGpu } : {}),
    ...(host ? { host } : {}),
    ...(stack.engineApiVersion ? { engineApiVersion: stack.engineApiVersion } : {}),
  });
  const plan = planWrite(stackDir, again.result.files);
  const changed = [...plan.create, ...plan.update, ...plan.remove];
  if (changed.length === 0) return { status: 'unchanged', detail: describe };
  if (changed.some((f) => f !== 'stack.json')) {
    // Same gate as `up` itself: never reload a stack that was not validated.
    const report = await ports.stackFiles.staged(stateDir, again.result.files, (dir) => ports.validate(dir, { strict: false }));
    const failed = report.checks.filter((c) => c.status === 'fail');
    if (failed.length) {
      if (previousText === undefined) fs.rmSync(file, { force: true });
      else fs.writeFileSync(file, previousText);
      const why = failed.map((c) => `${c.name}: ${c.detail}`).join('; ');
      return { status: 'rejected', detail: `${describe}; the stack re-rendered for it failed validation (${why}), so the running stack was left as it was: please report this (it is a bug in obsctl)` };
    }
  }
  applyWrite(stackDir, again.result.files, plan);
  if (changed.every((f) => f === 'stack.json')) return { status: 'unchanged', detail: `${describe}; as rendered (recorded in stack.json)` };
  if (changed.some((f) => f.startsWith('prometheus/'))) {
    // An HA central's replica b mounts the same rules: it reloads too, or the two would disagree.
    const replicas = Object.entries(reloadUrls(loaded.config, again.result.manifest.services)).filter(([name]) => name === 'prometheus-b');
    for (const [name, url] of [['prometheus', prometheus], ...replicas] as const) {
      const r = await ports.reload(url);
      if (!r.ok) return { status: 'applied', detail: `${describe}; ${name === 'prometheus' ? 'Prometheus' : name} rejected the re-rendered rules (${r.detail}): run \`obsctl validate\`` };
    }
    return { status: 'applied', detail: `${describe}; validated, GPU content re-rendered for it, Prometheus reloaded${replicas.length ? ' (both replicas)' : ''}` };
  }
  return { status: 'applied', detail: `${describe}; validated, GPU dashboards re-rendered for it` };
}
