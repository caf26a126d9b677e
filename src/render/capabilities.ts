// Which DCGM fields a GPU really reports: the set GPU dashboards, Overview GPU panels and GPU alert
// rules are rendered for. Three sources, one shape: the profile's expected counters (before
// anything was discovered), a recording (`--simulate-gpu=FILE`), or the live exporter (`up`).
// Real exporters differ by model, driver, vGPU, MIG and counters file (shared docs/gb10-dcgm.md):
// a field the GPU does not support is simply absent, and a few read a constant 0 on some GPUs,
// which counts as not reported (a flat 0 line looks healthy and is not).
import { countersFor, LIMIT_FIELDS } from './dcgm.js';
import { parseExposition } from './exposition.js';
import type { GpuProfile } from './profile.js';

export interface GpuCapabilities {
  /** Where the set came from. */
  source: 'profile' | 'recording' | 'discovered';
  /** DCGM fields with samples and meaning on this host, sorted. */
  fields: string[];
  /** GPU models seen (modelName label), sorted. */
  models: string[];
  /** A vGPU guest (model names like `H100-20C`): no thermal or power sensors are passed through. */
  vgpu: boolean;
  /** MIG instances seen (GPU_I_PROFILE label). */
  mig: boolean;
  /** GPU memory is the host's unified system memory (GB10): read from node-exporter instead. */
  unifiedMemory: boolean;
  /** Present but known to read a constant 0 on this GPU (CONSTANT_ZERO), or a limit field at 0 (not set). */
  constantZero: string[];
}

/**
 * Fields known to read a constant 0 on a GPU model, counted as not reported there.
 * GB10 on driver 580.142: MEM_COPY_UTIL and MEMORY_TEMP stay at 0 under load (one live report,
 * rwlove/home-ops#13238; shared docs/gb10-dcgm.md "Updates 2026-12-01").
 */
export const CONSTANT_ZERO: { model: RegExp; fields: string[]; source: string }[] = [
  { model: /\bGB10\b/, fields: ['DCGM_FI_DEV_MEM_COPY_UTIL', 'DCGM_FI_DEV_MEMORY_TEMP'], source: 'rwlove/home-ops#13238 (GB10, driver 580.142)' },
];

const isGb10 = (models: string[]) => models.some((m) => /\bGB10\b/.test(m));
const isVgpu = (models: string[]) => models.some((m) => /-\d+[ABCQ]$/.test(m));

/** Fields that are labels, not measurements, in the counters file. */
const LABEL_FIELDS = new Set(['DCGM_FI_DRIVER_VERSION']);

/** What the profile's counters file asks for: the expected set before anything is discovered. */
export function profileCapabilities(profile: GpuProfile, profiling = false, extra: string[] = []): GpuCapabilities {
  const fields = countersFor(profile, profiling, extra)
    .filter((c) => c.type !== 'label')
    .map((c) => c.field);
  return {
    source: 'profile',
    fields: [...new Set(fields)].sort(),
    models: profile === 'gb10' ? ['NVIDIA GB10'] : [],
    vgpu: false,
    mig: false,
    unifiedMemory: profile === 'gb10',
    constantZero: [],
  };
}

/** The capabilities an exporter's /metrics output shows (a recording or one live scrape). */
export function capabilitiesFromExposition(text: string, source: GpuCapabilities['source'] = 'recording'): GpuCapabilities {
  const { samples } = parseExposition(text);
  const dcgm = samples.filter((s) => /^DCGM_(FI|EXP)_/.test(s.name) && !LABEL_FIELDS.has(s.name) && Number.isFinite(s.value));
  const models = [...new Set(dcgm.map((s) => s.labels.modelName).filter((m): m is string => Boolean(m)))].sort();
  // A limit at 0 on every GPU is "not set" on any model: no threshold to alert against.
  const zeroFields = new Set([...CONSTANT_ZERO.filter((z) => models.some((m) => z.model.test(m))).flatMap((z) => z.fields), ...LIMIT_FIELDS]);
  const present = new Set(dcgm.map((s) => s.name));
  const constantZero = [...present].filter((f) => zeroFields.has(f) && dcgm.every((s) => s.name !== f || s.value === 0)).sort();
  return {
    source,
    fields: [...present].filter((f) => !constantZero.includes(f)).sort(),
    models,
    vgpu: isVgpu(models),
    mig: dcgm.some((s) => s.labels.GPU_I_PROFILE !== undefined),
    unifiedMemory: isGb10(models),
    constantZero,
  };
}

/**
 * Fields the simulator's `gb10` profile drops from the recording: those a DGX Spark never emits, or
 * emits without meaning. The same expression as templates/dcgm-sim/dcgm-simulator.mjs (`gb10Drop`);
 * test/gpu-simulator-capabilities.test.ts runs the simulator and holds the two together.
 */
const SIMULATOR_GB10_DROP = /^DCGM_FI_(DEV_FB_|DEV_MEM_CLOCK|PROF_|DEV_MEMORY_TEMP|DEV_MEM_COPY_UTIL|DEV_ENC_UTIL|DEV_DEC_UTIL|DEV_NVLINK|DEV_VGPU)/;

/**
 * What obsctl's own simulated exporter (`--simulate-gpu`, `--simulate-gpu=gb10`) serves, known
 * before it starts: the recording it replays, minus what its profile drops. The simulator moves
 * values but never which fields carry samples, so `up` renders for this set from the start and has
 * nothing to discover.
 */
export function simulatorCapabilities(profile: Exclude<GpuProfile, 'none'>, recorded: string): GpuCapabilities {
  if (profile !== 'gb10') return capabilitiesFromExposition(recorded, 'recording');
  const kept = recorded
    .split('\n')
    .filter((line) => !SIMULATOR_GB10_DROP.test(line))
    .map((line) => line.replace(/modelName="[^"]*"/, 'modelName="NVIDIA GB10"'));
  return capabilitiesFromExposition(kept.join('\n'), 'recording');
}

/** Several hosts' capabilities as one (fleet-wide dashboards): a field counts if any host has it. */
export function unionCapabilities(all: GpuCapabilities[]): GpuCapabilities | undefined {
  if (all.length === 0) return undefined;
  if (all.length === 1) return all[0];
  const uniq = (xs: string[]) => [...new Set(xs)].sort();
  return {
    source: all.every((c) => c.source === all[0]!.source) ? all[0]!.source : 'discovered',
    fields: uniq(all.flatMap((c) => c.fields)),
    models: uniq(all.flatMap((c) => c.models)),
    vgpu: all.some((c) => c.vgpu),
    mig: all.some((c) => c.mig),
    unifiedMemory: all.some((c) => c.unifiedMemory),
    constantZero: uniq(all.flatMap((c) => c.constantZero)).filter((f) => !all.some((c) => c.fields.includes(f))),
  };
}

/** The fleet-wide set, with each host's own (more than one GPU host): per-host panels follow it. */
export interface FleetCapabilities extends GpuCapabilities {
  hosts?: Record<string, GpuCapabilities>;
}

export function fleetCapabilities(perHost: Record<string, GpuCapabilities>): FleetCapabilities | undefined {
  const union = unionCapabilities(Object.values(perHost));
  if (!union || Object.keys(perHost).length < 2) return union;
  return { ...union, hosts: perHost };
}

/** What a GPU is called in messages: `H100-20C, vGPU`, `NVIDIA GB10`, `Tesla T4, MIG`. */
export function describeGpu(c: GpuCapabilities): string {
  const parts = [c.models.length ? c.models.join(', ') : 'this GPU'];
  if (c.vgpu) parts.push('vGPU');
  if (c.mig) parts.push('MIG');
  return parts.join(', ');
}

/** Each GPU host's capabilities for this render: what was given (discovered, recorded), else its profile's. */
export function hostCapabilities(
  hosts: { name: string; profile: GpuProfile }[],
  given: Record<string, GpuCapabilities> | undefined,
  profiling: boolean,
  extra: string[],
): Record<string, GpuCapabilities> {
  const out: Record<string, GpuCapabilities> = {};
  for (const h of hosts) {
    if (h.profile === 'none') continue;
    out[h.name] = given?.[h.name] ?? profileCapabilities(h.profile, profiling, extra);
  }
  return out;
}
