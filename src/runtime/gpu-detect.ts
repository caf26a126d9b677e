// Detects the GPU profile of this host with nvidia-smi. No nvidia-smi, or one that fails, means
// no usable NVIDIA GPU (profile `none`). GB10 is the DGX Spark's Grace Blackwell superchip.
import { execa } from 'execa';
import type { GpuProfile } from '../render/profile.js';

export interface GpuDetection {
  profile: GpuProfile;
  /** GPU names as nvidia-smi reports them, or why there are none. */
  detail: string;
}

export type GpuQuery = () => Promise<{ ok: boolean; output: string }>;

export const nvidiaSmiQuery: GpuQuery = async () => {
  try {
    const r = await execa('nvidia-smi', ['--query-gpu=name', '--format=csv,noheader'], { timeout: 10_000, reject: false });
    return { ok: r.exitCode === 0, output: r.exitCode === 0 ? r.stdout : r.stderr || r.stdout };
  } catch (e) {
    return { ok: false, output: (e as Error).message };
  }
};

export function profileFromNames(names: string[]): GpuProfile {
  if (names.length === 0) return 'none';
  return names.some((n) => /\bGB10\b/i.test(n)) ? 'gb10' : 'nvidia';
}

export async function detectGpu(query: GpuQuery = nvidiaSmiQuery): Promise<GpuDetection> {
  const r = await query();
  if (!r.ok) return { profile: 'none', detail: 'no NVIDIA GPU found (nvidia-smi not available)' };
  const names = r.output.split('\n').map((s) => s.trim()).filter(Boolean);
  const profile = profileFromNames(names);
  return { profile, detail: names.length ? names.join(', ') : 'nvidia-smi lists no GPU' };
}
