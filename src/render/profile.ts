// The host profile decides which GPU parts exist. `auto` is resolved by the shell (nvidia-smi);
// the renderer only ever sees a concrete profile.
import type { Config } from '../config/schema.js';

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
}

export function resolveProfile(config: Config, detected: GpuProfile): GpuProfile {
  return config.gpu === 'auto' ? detected : config.gpu;
}

export function gpuEnabled(config: Config, options: RenderOptions): boolean {
  return options.profile !== 'none' && config.exporters.dcgm.enabled;
}
