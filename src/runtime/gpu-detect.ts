// Detects the GPU profile of this host with nvidia-smi. No nvidia-smi, or one that fails, means
// no usable NVIDIA GPU (profile `none`). GB10 is the DGX Spark's Grace Blackwell superchip.
import { execFile } from 'node:child_process';
import type { GpuProfile } from '../render/profile.js';

export interface GpuDetection {
  profile: GpuProfile;
  /** GPU names as nvidia-smi reports them, or why there are none. */
  detail: string;
}

export type GpuQuery = () => Promise<{ ok: boolean; output: string }>;

// node:child_process rather than execa: render runs this on every start and should stay light.
export const nvidiaSmiQuery: GpuQuery = () =>
  new Promise((resolve) => {
    execFile('nvidia-smi', ['--query-gpu=name', '--format=csv,noheader'], { timeout: 10_000 }, (error, stdout, stderr) => {
      resolve(error ? { ok: false, output: stderr || error.message } : { ok: true, output: stdout });
    });
  });

export function profileFromNames(names: string[]): GpuProfile {
  if (names.length === 0) return 'none';
  return names.some((n) => /\bGB10\b/i.test(n)) ? 'gb10' : 'nvidia';
}

export async function detectGpu(query: GpuQuery = nvidiaSmiQuery): Promise<GpuDetection> {
  const r = await query();
  if (!r.ok) return { profile: 'none', detail: 'nvidia-smi not available' };
  const names = r.output.split('\n').map((s) => s.trim()).filter(Boolean);
  const profile = profileFromNames(names);
  return { profile, detail: names.length ? names.join(', ') : 'nvidia-smi lists no GPU' };
}
