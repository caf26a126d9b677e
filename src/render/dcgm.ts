// dcgm-exporter counters for each GPU profile. GB10 (DGX Spark) gets only the fields it really
// emits: no framebuffer fields (its memory is unified system memory), no memory clock and no
// profiling fields (community reports on driver 580; see docs/gpu.md).
import type { Config } from '../config/schema.js';
import type { GpuProfile } from './profile.js';

export interface Counter {
  field: string;
  type: 'gauge' | 'counter' | 'label';
  help: string;
  /** GB10 emits it with a meaningful value. */
  gb10: boolean;
}

export const counters: Counter[] = [
  { field: 'DCGM_FI_DEV_SM_CLOCK', type: 'gauge', help: 'SM clock frequency (in MHz).', gb10: true },
  { field: 'DCGM_FI_DEV_MEM_CLOCK', type: 'gauge', help: 'Memory clock frequency (in MHz).', gb10: false },
  { field: 'DCGM_FI_DEV_GPU_TEMP', type: 'gauge', help: 'GPU temperature (in C).', gb10: true },
  { field: 'DCGM_FI_DEV_POWER_USAGE', type: 'gauge', help: 'Power draw (in W).', gb10: true },
  { field: 'DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION', type: 'counter', help: 'Total energy consumption since boot (in mJ).', gb10: true },
  { field: 'DCGM_FI_DEV_PCIE_REPLAY_COUNTER', type: 'counter', help: 'Total number of PCIe retries.', gb10: true },
  { field: 'DCGM_FI_DEV_GPU_UTIL', type: 'gauge', help: 'GPU utilization (in %).', gb10: true },
  { field: 'DCGM_FI_DEV_MEM_COPY_UTIL', type: 'gauge', help: 'Memory utilization (in %).', gb10: false },
  { field: 'DCGM_FI_DEV_ENC_UTIL', type: 'gauge', help: 'Encoder utilization (in %).', gb10: false },
  { field: 'DCGM_FI_DEV_DEC_UTIL', type: 'gauge', help: 'Decoder utilization (in %).', gb10: false },
  { field: 'DCGM_FI_DEV_XID_ERRORS', type: 'gauge', help: 'Value of the last XID error encountered.', gb10: true },
  { field: 'DCGM_FI_DEV_FB_FREE', type: 'gauge', help: 'Framebuffer memory free (in MiB).', gb10: false },
  { field: 'DCGM_FI_DEV_FB_USED', type: 'gauge', help: 'Framebuffer memory used (in MiB).', gb10: false },
  // The GPU's own limits, for alerts relative to them (alerts/gpu/limits.rules.yml). Not in
  // dcgm-exporter's default counters; field ids 164, 158, 159 in DCGM's dcgm_fields.h. GB10 reads
  // its power cap as N/A and no GB10 report shows the temperature limits: not asked for there.
  { field: 'DCGM_FI_DEV_ENFORCED_POWER_LIMIT', type: 'gauge', help: 'Enforced power limit (in W).', gb10: false },
  { field: 'DCGM_FI_DEV_SLOWDOWN_TEMP', type: 'gauge', help: 'Slowdown temperature (in C).', gb10: false },
  { field: 'DCGM_FI_DEV_SHUTDOWN_TEMP', type: 'gauge', help: 'Shutdown temperature (in C).', gb10: false },
  { field: 'DCGM_FI_DRIVER_VERSION', type: 'label', help: 'Driver Version', gb10: true },
];

/** Limit fields: a GPU's own thresholds. A limit reading 0 means "not set" (never alert against it). */
export const LIMIT_FIELDS = ['DCGM_FI_DEV_ENFORCED_POWER_LIMIT', 'DCGM_FI_DEV_SLOWDOWN_TEMP', 'DCGM_FI_DEV_SHUTDOWN_TEMP'];

/** Profiling (DCP) fields: only with exporters.dcgm.profiling, which also grants SYS_ADMIN. */
export const profilingCounters: Counter[] = [
  { field: 'DCGM_FI_PROF_GR_ENGINE_ACTIVE', type: 'gauge', help: 'Ratio of time the graphics engine is active.', gb10: false },
  { field: 'DCGM_FI_PROF_SM_ACTIVE', type: 'gauge', help: 'The ratio of cycles an SM has at least 1 warp assigned.', gb10: false },
  { field: 'DCGM_FI_PROF_PIPE_TENSOR_ACTIVE', type: 'gauge', help: 'Ratio of cycles the tensor (HMMA) pipe is active.', gb10: false },
  { field: 'DCGM_FI_PROF_DRAM_ACTIVE', type: 'gauge', help: 'Ratio of cycles the device memory interface is active.', gb10: false },
];

/**
 * Metrics that must exist once dcgm-exporter is scraped, per profile (what `verify` checks).
 * The XID series is left out on purpose: exporters 4.5.3-4.8.2 omit it until an XID occurs.
 */
export function requiredGpuMetrics(profile: GpuProfile): string[] {
  const core = ['DCGM_FI_DEV_GPU_UTIL', 'DCGM_FI_DEV_GPU_TEMP', 'DCGM_FI_DEV_POWER_USAGE', 'DCGM_FI_DEV_SM_CLOCK'];
  if (profile === 'nvidia') return [...core, 'DCGM_FI_DEV_FB_USED', 'DCGM_FI_DEV_FB_FREE'];
  return profile === 'gb10' ? core : [];
}

export function countersFor(profile: GpuProfile, profiling: boolean, extra: string[]): Counter[] {
  const base = profile === 'gb10' ? counters.filter((c) => c.gb10) : counters;
  const prof = profiling && profile !== 'gb10' ? profilingCounters : [];
  const known = new Set([...base, ...prof].map((c) => c.field));
  const extras: Counter[] = extra
    .filter((f) => !known.has(f))
    .map((field) => ({ field, type: 'gauge', help: 'Added in obsctl.yaml (exporters.dcgm.extra_counters).', gb10: false }));
  return [...base, ...prof, ...extras];
}

export function renderCountersCsv(config: Config, profile: GpuProfile): string {
  const lines = [
    '# dcgm-exporter counters written by obsctl. Format: DCGM field, Prometheus type, help.',
    `# Profile: ${profile}${profile === 'gb10' ? ' (DGX Spark: unified memory, no FB_*, MEM_CLOCK or PROF_* fields)' : ''}`,
    ...countersFor(profile, config.exporters.dcgm.profiling, config.exporters.dcgm.extra_counters).map((c) => `${c.field}, ${c.type}, ${c.help}`),
  ];
  return `${lines.join('\n')}\n`;
}
