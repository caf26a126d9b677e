// The host profile decides which GPU parts exist. `auto` is resolved by the shell (nvidia-smi);
// the renderer only ever sees a concrete profile.
import type { Config } from '../config/schema.js';
import type { ImageLock } from './image-lock.js';
import type { GpuCapabilities } from './capabilities.js';

export type GpuProfile = 'none' | 'nvidia' | 'gb10';

/** What the renderer needs to know besides the config. */
export interface RenderOptions {
  /** Concrete GPU profile (auto already resolved). */
  profile: GpuProfile;
  /**
   * Replace dcgm-exporter's GPU reservation with a simulated exporter (recorded real output),
   * for CI and machines without a GPU. Series carry simulated="true".
   */
  simulateGpu?: boolean;
  /**
   * Whether the host's / is a shared mount. Then node-exporter mounts it `rslave`, so filesystems
   * mounted later show up too (upstream's recommendation); Docker refuses rslave otherwise (e.g.
   * inside a container or sandbox). Defaults to true, as on any systemd host such as DGX OS.
   */
  sharedRootMount?: boolean;
  /** With an inventory: which host's part to render (default: the central one). */
  host?: string;
  /** obsctl.lock: images rendered as image@digest (see image-lock.ts). */
  imageLock?: ImageLock;
  /**
   * What each GPU host really reports, by host name (the stack name without an inventory):
   * discovered by `up` or read from a recording. Hosts not in it get their profile's counters.
   */
  gpuCapabilities?: Record<string, GpuCapabilities>;
  /** With simulateGpu: a recorded dcgm-exporter /metrics output to replay instead of the built-in T4. */
  simulateGpuRecording?: string;
  /**
   * The engine that runs the stack supports healthcheck `start_interval` (Engine 25+): health is
   * probed every second while a container starts, so `up --wait` returns as soon as it is ready
   * rather than after the first 5 s interval. Older engines refuse the key, so it is only rendered
   * when the engine `up` talks to says so (left out by `render` without an engine).
   */
  healthcheckStartInterval?: boolean;
}

export function resolveProfile(config: Config, detected: GpuProfile): GpuProfile {
  return config.gpu === 'auto' ? detected : config.gpu;
}

export function gpuEnabled(config: Config, options: RenderOptions): boolean {
  return options.profile !== 'none' && config.exporters.dcgm.enabled;
}
