// The discovery step of `up`: after the stack is healthy, read what each GPU host reports, store it,
// and when it differs from what was rendered, re-render and apply the GPU content in place
// (Prometheus reloaded; Grafana re-reads dashboard files itself). Nothing is restarted.
import path from 'node:path';
import { applyWrite, planWrite } from '../render/write.js';
import { discoverGpuCapabilities, readStoredCapabilities, sameCapabilities, storeCapabilities } from '../runtime/gpu-discovery.js';
import { resolveSimulation } from '../runtime/gpu-recording.js';
import type { LoadedConfig } from './config.js';
import type { Ports } from './ports.js';
import { prepareStack, type PreparedStack } from './stack.js';

export interface DiscoveryOutcome {
  status: 'skipped' | 'not-ready' | 'unchanged' | 'applied';
  detail: string;
}

export async function discoverAndApply(
  ports: Pick<Ports, 'detectGpu' | 'rootMountIsShared' | 'reload'>,
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
  const mode = simulation?.profile ?? 'real';
  const stateDir = path.join(loaded.dir, '.obsctl');
  const found = await discoverGpuCapabilities(prometheus, manifest.gpu.counters, waitMs);
  if (!found) return { status: 'not-ready', detail: 'no DCGM series in Prometheus yet: GPU content stays as rendered from the profile; the next `up` discovers it' };
  const before = readStoredCapabilities(stateDir, mode);
  storeCapabilities(stateDir, { mode, hosts: found });
  const describe = Object.entries(found).map(([h, c]) => `${h}: ${c.fields.length} fields`).join(', ');
  if (sameCapabilities(before, found)) return { status: 'unchanged', detail: describe };
  const again = await prepareStack(ports, loaded, { ...(options.simulateGpu !== undefined ? { simulateGpu: options.simulateGpu } : {}), ...(manifest.host ? { host: manifest.host } : {}) });
  const plan = planWrite(stackDir, again.result.files);
  const changed = [...plan.create, ...plan.update, ...plan.remove];
  if (changed.length === 0) return { status: 'unchanged', detail: describe };
  applyWrite(stackDir, again.result.files, plan);
  if (changed.every((f) => f === 'stack.json')) return { status: 'unchanged', detail: `${describe}; as rendered (recorded in stack.json)` };
  if (changed.some((f) => f.startsWith('prometheus/'))) {
    const r = await ports.reload(prometheus);
    if (!r.ok) return { status: 'applied', detail: `${describe}; Prometheus rejected the re-rendered rules (${r.detail}): run \`obsctl validate\`` };
    return { status: 'applied', detail: `${describe}; GPU content re-rendered for it, Prometheus reloaded` };
  }
  return { status: 'applied', detail: `${describe}; GPU dashboards re-rendered for it` };
}
