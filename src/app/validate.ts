// `validate`: a rendered stack (in a private temporary directory, or one given with --dir) checked
// by promtool, amtool, docker compose and the PromQL grammar.
import path from 'node:path';
import type { ValidationReport } from '../validate/types.js';
import type { Ports } from './ports.js';
import type { PreparedStack } from './stack.js';

export async function validate(ports: Ports, source: { dir: string } | { stack: PreparedStack }, options: { strict: boolean }): Promise<ValidationReport> {
  if ('dir' in source) return ports.validate(path.resolve(source.dir), options);
  return ports.stackFiles.staged(undefined, source.stack.result.files, (dir) => ports.validate(dir, options));
}
