// Loading obsctl.yaml for a command: the file if present, the built-in defaults if not, every
// problem reported at once as a UserError (exit 2) before anything is written.
import fs from 'node:fs';
import path from 'node:path';
import { parseConfigText } from '../config/load.js';
import { formatIssues } from '../config/issues.js';
import { readConfigFile } from '../config/read.js';
import type { Config } from '../config/schema.js';
import { errors } from '../errors.js';

export interface LoadedConfig {
  config: Config;
  /** Absolute path of obsctl.yaml, or undefined when running on defaults. */
  file?: string;
  dir: string;
  warnings: string[];
}

export function loadConfig(configPath: string, options: { checkSecrets: boolean; env?: NodeJS.ProcessEnv }): LoadedConfig {
  const file = path.resolve(configPath);
  const dir = path.dirname(file);
  const relative = path.relative(process.cwd(), file);
  const display = relative && !relative.startsWith('..') ? relative : file;
  // Bounded read: a directory, FIFO or device is refused and nothing past the size limit is read.
  // Only the implicit obsctl.yaml may be absent (built-in defaults); an explicit -c that does not
  // exist is refused before this, by the option check in option-values.ts.
  const read = readConfigFile(file);
  if (read.kind === 'refused') throw errors.configUnreadable(display, read.reason, read.hint);
  const text = read.kind === 'text' ? read.text : undefined;
  const environment = options.checkSecrets
    ? { env: options.env ?? process.env, fileExists: (f: string) => fs.existsSync(f), baseDir: dir }
    : undefined;
  const result = read.kind === 'text' && read.issue ? { errors: [read.issue], warnings: [] } : parseConfigText(text ?? '', environment);
  if (!result.config) {
    throw errors.configInvalid(display, result.errors.length, formatIssues(display, text, result.errors));
  }
  return {
    config: result.config,
    ...(text !== undefined ? { file } : {}),
    dir,
    warnings: formatIssues(display, text, result.warnings),
  };
}
