// `render`: config -> files on disk (or, dry, the list of what would change).
import path from 'node:path';
import type { WritePlan } from '../render/write.js';
import type { Ports } from './ports.js';
import type { PreparedStack } from './stack.js';

export interface RenderOutcome {
  dir: string;
  plan: WritePlan;
}

export function writeStack(ports: Ports, stack: PreparedStack, options: { out?: string; dryRun: boolean }): RenderOutcome {
  const dir = path.resolve(options.out ?? stack.dir);
  const plan = ports.stackFiles.plan(dir, stack.result.files);
  if (!options.dryRun) ports.stackFiles.apply(dir, stack.result.files, plan);
  return { dir, plan };
}
