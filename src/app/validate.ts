// `validate`: a rendered stack (in a private temporary directory, or one given with --dir) checked
// by promtool, amtool, docker compose and the PromQL grammar.
import path from 'node:path';
import type { ValidationReport } from '../validate/types.js';
import type { Ports } from './ports.js';
import type { PreparedStack } from './stack.js';
import { validateCached } from './validation-cache.js';

export async function validate(ports: Ports, source: { dir: string } | { stack: PreparedStack }, options: { strict: boolean }): Promise<ValidationReport & { cached?: true }> {
  if ('dir' in source) return ports.validate(path.resolve(source.dir), options);
  const { files } = source.stack.result;
  // The stack's state directory keeps which rendered content passed with which tools.
  return validateCached(ports, path.dirname(source.stack.dir), files, options.strict, () => ports.stackFiles.staged(undefined, files, (dir) => ports.validate(dir, options)));
}
