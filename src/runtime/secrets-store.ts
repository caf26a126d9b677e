// obsctl's own secrets (the generated Grafana admin password, and which password Grafana has
// now) live in one KEY=value file, mode 0600, beside the rendered stack and outside git. At `up`,
// every Compose secret gets its value from here, from the user's env var, or from the user's file.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { resolveSecretFile } from '../config/secrets.js';
import type { SecretsStore } from '../app/ports.js';
import type { StackSecret } from '../render/secrets.js';
import { fleetSecretValue, writeFleetSecretFile } from './fleet-tls-store.js';
import { writeMountedFile } from './mounted-file.js';
import { stateDir } from './stack-dir.js';

export class SecretsFile implements SecretsStore {
  private values = new Map<string, string>();
  constructor(readonly file: string) {
    if (fs.existsSync(file)) {
      for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
        const m = /^([A-Z0-9_]+)=(.*)$/.exec(line);
        if (m) this.values.set(m[1]!, m[2]!);
      }
    }
  }

  get(key: string): string | undefined {
    return this.values.get(key);
  }

  set(key: string, value: string): void {
    this.values.set(key, value);
  }

  save(): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const text = `# obsctl secrets: generated values. Mode 0600; never commit this file.\n${[...this.values].map(([k, v]) => `${k}=${v}`).join('\n')}\n`;
    const tmp = `${this.file}.tmp`;
    fs.writeFileSync(tmp, text, { mode: 0o600 });
    fs.renameSync(tmp, this.file);
    fs.chmodSync(this.file, 0o600);
  }
}

export const generatePassword = () => randomBytes(18).toString('base64url');

export interface ResolvedSecrets {
  /** Environment for `docker compose`: one variable per Compose secret. */
  env: Record<string, string>;
  /** Secrets generated on this run (shown once). */
  generated: { name: string; value: string }[];
}

/** Values for every secret of the stack; generates what obsctl owns and has not generated yet. */
export function resolveSecrets(secrets: StackSecret[], store: SecretsStore, env: NodeJS.ProcessEnv, configDir: string): ResolvedSecrets {
  const out: ResolvedSecrets = { env: {}, generated: [] };
  for (const s of secrets) {
    let value: string | undefined;
    if ('generated' in s.source) {
      value = store.get(s.envVar);
      if (!value) {
        value = generatePassword();
        store.set(s.envVar, value);
        out.generated.push({ name: s.name, value });
      }
    } else if ('env' in s.source) {
      value = env[s.source.env];
    } else if ('fleet' in s.source) {
      // A file secret (see render/fleet-tls.ts): written where Compose mounts it from; no env var.
      writeFleetSecretFile(configDir, s.name, fleetSecretValue(configDir, s.source.fleet, s.source.host));
      continue;
    } else {
      value = fs.readFileSync(resolveSecretFile(s.source.file, configDir), 'utf8').replace(/\r?\n$/, '');
    }
    // Load-time checks already reject unset variables and missing files; this is a last guard.
    if (value === undefined) throw new Error(`secret ${s.name} has no value`);
    out.env[s.envVar] = value;
    writeStackSecretFile(configDir, s.name, value);
  }
  return out;
}

/**
 * Writes a secret where its file-sourced Compose secret reads it (.obsctl/secrets/<name>): 0444 in a
 * 0700 directory (see render/secrets.ts).
 */
export function writeStackSecretFile(configDir: string, name: string, value: string): void {
  writeMountedFile(path.join(stateDir(configDir), 'secrets'), name, value, 0o444);
}

/** Placeholder values so `docker compose config/ps/logs/down` work without the real secrets. */
export function placeholderSecretEnv(secrets: StackSecret[]): Record<string, string> {
  return Object.fromEntries(secrets.map((s) => [s.envVar, 'unused']));
}
