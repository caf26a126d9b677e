// Loading obsctl.yaml for a use case: the file if present, the built-in defaults if not, every
// problem reported at once as a UserError (exit 2) before anything is written. Read once per
// command: the text is kept, so checking secrets later is an in-memory parse, not another read.
import fs from 'node:fs';
import path from 'node:path';
import { parseConfigText } from '../config/load.js';
import { formatIssues } from '../config/issues.js';
import { readConfigFile } from '../config/read.js';
import { missingSecrets } from '../config/secrets.js';
import type { Config } from '../config/schema.js';
import { errors } from '../errors.js';
import { readTextFile } from '../runtime/text-files.js';
import { staleSchemaWarning } from '../config/schema-file.js';

export interface LoadedConfig {
  config: Config;
  /** Absolute path of obsctl.yaml, or undefined when running on defaults. */
  file?: string;
  dir: string;
  warnings: string[];
  /** The text read (empty on defaults), for checks that need it again. */
  text: string;
  display: string;
}

export type ReadText = (file: string) => string | undefined;

export function loadConfig(configPath: string, options: { checkSecrets: boolean; env?: NodeJS.ProcessEnv }, read: ReadText = readTextFile): LoadedConfig {
  const file = path.resolve(configPath);
  const dir = path.dirname(file);
  const relative = path.relative(process.cwd(), file);
  const display = relative && !relative.startsWith('..') ? relative : file;
  let text: string | undefined;
  if (read === readTextFile) {
    // The real file: a bounded read (regular files only, at most MAX_CONFIG_BYTES, strict UTF-8),
    // so a directory, FIFO, device or huge file is a clear error, never a hang (issue 13).
    const got = readConfigFile(file);
    if (got.kind === 'refused') throw errors.configUnreadable(display, got.reason, got.hint);
    if (got.kind === 'text') text = got.text;
    if (got.kind === 'text' && got.issue) throw errors.configInvalid(display, 1, formatIssues(display, got.text, [got.issue]));
  } else {
    try {
      text = read(file);
    } catch (e) {
      throw errors.configUnreadable(display, (e as Error).message);
    }
  }
  const loaded = parse(text ?? '', display, dir, undefined);
  const stale = text !== undefined ? staleSchemaWarning(file, text) : undefined;
  const result: LoadedConfig = { ...loaded, ...(stale ? { warnings: [...loaded.warnings, stale] } : {}), ...(text !== undefined ? { file } : {}) };
  if (options.checkSecrets) checkSecrets(result, options.env ?? process.env);
  return result;
}

/** Are the secrets obsctl.yaml refers to there (env vars set, files present)? Throws like loadConfig. */
export function checkSecrets(loaded: LoadedConfig, env: NodeJS.ProcessEnv): void {
  const environment = { env, fileExists: (f: string) => fs.existsSync(f), baseDir: loaded.dir };
  // Asked of the config loadConfig parsed: the text is parsed again only when something is missing,
  // to report it as every config error is (file:line, the line, a hint) together with the rest.
  if (missingSecrets(loaded.config, environment).length === 0) return;
  parse(loaded.text, loaded.display, loaded.dir, environment);
}

function parse(text: string, display: string, dir: string, environment: Parameters<typeof parseConfigText>[1]) {
  const result = parseConfigText(text, environment);
  if (!result.config) throw errors.configInvalid(display, result.errors.length, formatIssues(display, text, result.errors));
  return { config: result.config, dir, warnings: formatIssues(display, text, result.warnings), text, display };
}
