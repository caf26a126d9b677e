// Loading obsctl.yaml for a command: the file if present, the built-in defaults if not, every
// problem reported at once as a UserError (exit 2) before anything is written.
import fs from 'node:fs';
import path from 'node:path';
import { parseConfigText } from '../config/load.js';
import { formatIssue, type ConfigIssue } from '../config/issues.js';
import type { Config } from '../config/schema.js';
import { errors } from '../errors.js';
import { staleSchemaWarning } from '../config/schema-file.js';

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
  const display = path.relative(process.cwd(), file) || file;
  let text: string | undefined;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') throw errors.configUnreadable(display, (e as Error).message);
  }
  const environment = options.checkSecrets
    ? { env: options.env ?? process.env, fileExists: (f: string) => fs.existsSync(f), baseDir: dir }
    : undefined;
  const result = parseConfigText(text ?? '', environment);
  const format = (i: ConfigIssue) => formatIssue(display, text, i);
  if (!result.config) {
    throw errors.configInvalid(display, result.errors.length, result.errors.flatMap(format));
  }
  return {
    config: result.config,
    ...(text !== undefined ? { file } : {}),
    dir,
    warnings: [...result.warnings.flatMap(format), ...(text !== undefined ? [staleSchemaWarning(file, text)].filter((w): w is string => Boolean(w)) : [])],
  };
}
