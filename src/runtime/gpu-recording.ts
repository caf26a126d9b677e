// `--simulate-gpu=VALUE`: a built-in profile (nvidia | gb10) or a recorded dcgm-exporter /metrics
// file to replay. Reading the file is the edge; what it means (capabilities) is pure.
import fs from 'node:fs';
import path from 'node:path';
import { errors } from '../errors.js';
import { capabilitiesFromExposition, type GpuCapabilities } from '../render/capabilities.js';
import type { GpuProfile } from '../render/profile.js';

export interface GpuSimulation {
  /** Profile to simulate (for a recording: gb10 if its GPU is a GB10, else nvidia). */
  profile: Exclude<GpuProfile, 'none'>;
  /** The recording to replay, when a file was given. */
  recording?: { file: string; text: string; capabilities: GpuCapabilities };
}

export function resolveSimulation(value: string | boolean | undefined, baseDir: string): GpuSimulation | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true || value === 'nvidia') return { profile: 'nvidia' };
  if (value === 'gb10') return { profile: 'gb10' };
  return { ...loadRecording(path.resolve(baseDir, value)) };
}

export function loadRecording(file: string): Required<GpuSimulation> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw errors.gpuRecordingInvalid(file, `cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const capabilities = capabilitiesFromExposition(text, 'recording');
  if (capabilities.fields.length === 0) throw errors.gpuRecordingInvalid(file, 'holds no DCGM_FI_* series, so it is not dcgm-exporter output');
  return { profile: capabilities.unifiedMemory ? 'gb10' : 'nvidia', recording: { file, text, capabilities } };
}
