// What each DCGM field is for, in words: which dashboard panels and alerts depend on it. Used for
// the GPU dashboard's "not reported" panel and `verify`'s capability warnings, so a field that is
// absent never leaves an empty panel or a silently dead alert without saying so.
import type { GpuCapabilities } from './capabilities.js';
import { describeGpu } from './capabilities.js';

export interface GpuFeature {
  id: string;
  /** What it measures, as a subject: "GPU temperature". */
  title: string;
  /** Every one must be reported for the feature to count. */
  fields: string[];
  /** What goes off without it. */
  off: string;
}

export const GPU_FEATURES: GpuFeature[] = [
  { id: 'utilisation', title: 'GPU utilisation', fields: ['DCGM_FI_DEV_GPU_UTIL'], off: 'utilisation panels and the idle-GPU alert are off' },
  { id: 'temperature', title: 'GPU temperature', fields: ['DCGM_FI_DEV_GPU_TEMP'], off: 'temperature alerts are off' },
  { id: 'power', title: 'GPU power draw', fields: ['DCGM_FI_DEV_POWER_USAGE'], off: 'power alerts are off' },
  { id: 'energy', title: 'GPU energy consumption', fields: ['DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION'], off: 'the energy panel is left out' },
  { id: 'pcie', title: 'PCIe replay count', fields: ['DCGM_FI_DEV_PCIE_REPLAY_COUNTER'], off: 'PCIe replay alerts are off' },
  { id: 'xid', title: 'XID errors', fields: ['DCGM_FI_DEV_XID_ERRORS'], off: 'XID alerts are off (dcgm-exporter 4.x omits the series until the first XID)' },
  { id: 'framebuffer', title: 'GPU framebuffer memory', fields: ['DCGM_FI_DEV_FB_USED', 'DCGM_FI_DEV_FB_FREE'], off: 'GPU memory alerts are off' },
  { id: 'sm_clock', title: 'SM clock', fields: ['DCGM_FI_DEV_SM_CLOCK'], off: 'the SM clock line is left out' },
  { id: 'mem_clock', title: 'Memory clock', fields: ['DCGM_FI_DEV_MEM_CLOCK'], off: 'the memory clock line is left out' },
  { id: 'mem_copy', title: 'Memory copy utilisation', fields: ['DCGM_FI_DEV_MEM_COPY_UTIL'], off: 'the memory copy line is left out' },
];

export interface MissingFeature {
  feature: GpuFeature;
  /** One sentence: "GPU temperature is not reported by this GPU (H100-20C, vGPU): temperature alerts are off on this host". */
  sentence: string;
}

export function missingFeatures(c: GpuCapabilities): MissingFeature[] {
  const has = new Set(c.fields);
  return GPU_FEATURES.filter((f) => !f.fields.every((x) => has.has(x))).map((feature) => {
    const zero = feature.fields.some((x) => c.constantZero.includes(x));
    let off = feature.off;
    // Unified memory (GB10): the memory panels read node-exporter instead, nothing is lost.
    if (feature.id === 'framebuffer' && c.unifiedMemory) off = 'memory is unified system memory, shown and alerted on from node-exporter';
    const how = zero ? 'reads a constant 0 on' : 'is not reported by';
    return { feature, sentence: `${feature.title} ${how} this GPU (${describeGpu(c)}): ${off} on this host` };
  });
}
