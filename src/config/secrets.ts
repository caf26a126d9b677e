// Secret references must point at something that exists when obsctl runs: an environment variable
// that is set, or a readable file. Checked at load time (not in the pure renderer) because the
// answer depends on the machine.
import path from 'node:path';
import type { Config } from './schema.js';
import { secretRefs, type RuleIssue } from './rules.js';

export interface SecretEnvironment {
  env: Record<string, string | undefined>;
  fileExists(file: string): boolean;
  /** Directory of obsctl.yaml; relative file references resolve against it. */
  baseDir: string;
}

export function resolveSecretFile(file: string, baseDir: string): string {
  return path.isAbsolute(file) ? file : path.resolve(baseDir, file);
}

export function missingSecrets(config: Config, environment: SecretEnvironment): RuleIssue[] {
  return secretRefs(config).flatMap(({ at, ref }) => {
    const where = at.map((p) => (typeof p === 'number' ? `[${p}]` : String(p))).join('.').replace(/\.\[/g, '[');
    if ('env' in ref && !environment.env[ref.env]) {
      return [{ code: 'missing_secret', severity: 'error' as const, path: where, message: `secret comes from environment variable ${ref.env}, which is not set`, hint: `export ${ref.env}=... before running obsctl, or use {file: PATH}.`, at }];
    }
    if ('file' in ref && !environment.fileExists(resolveSecretFile(ref.file, environment.baseDir))) {
      return [{ code: 'missing_secret', severity: 'error' as const, path: where, message: `secret file ${ref.file} does not exist`, hint: 'Create the file (mode 0600) or point to the right path.', at }];
    }
    return [];
  });
}
