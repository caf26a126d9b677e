// Detects the GPU profile of this host with nvidia-smi. No nvidia-smi, or one that fails, means
// no usable NVIDIA GPU (profile `none`). GB10 is the DGX Spark's Grace Blackwell superchip.
import fs from 'node:fs';
import path from 'node:path';
import type { GpuProfile } from '../render/profile.js';

export interface GpuDetection {
  profile: GpuProfile;
  /** GPU names as nvidia-smi reports them, or why there are none. */
  detail: string;
}

export type GpuQuery = () => Promise<{ ok: boolean; output: string }>;

/** Whether a file named `command` is in a PATH directory; undefined without PATH (the spawn then decides). */
export function onPath(command: string, env: NodeJS.ProcessEnv = process.env): boolean | undefined {
  if (env.PATH === undefined) return undefined;
  return env.PATH.split(path.delimiter).some((dir) => mayBeFile(path.join(dir || '.', command)));
}

function mayBeFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ENOENT' && (e as NodeJS.ErrnoException).code !== 'ENOTDIR'; // unsure: let the spawn tell
  }
}

// node:child_process rather than execa: render runs this on every start and should stay light.
// Most hosts without a GPU have no nvidia-smi at all: a look along PATH answers what the spawn
// would (ENOENT), without its fork/exec and without loading node:child_process (issue 15).
export const nvidiaSmiQuery = async (env: NodeJS.ProcessEnv = process.env): Promise<{ ok: boolean; output: string }> => {
  if (onPath('nvidia-smi', env) === false) return { ok: false, output: 'nvidia-smi: not found on PATH' };
  const { execFile } = await import('node:child_process');
  return new Promise((resolve) => {
    execFile('nvidia-smi', ['--query-gpu=name', '--format=csv,noheader'], { timeout: 10_000, env }, (error, stdout, stderr) => {
      resolve(error ? { ok: false, output: stderr || error.message } : { ok: true, output: stdout });
    });
  });
};

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
