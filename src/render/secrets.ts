// How secrets reach containers: every secret becomes a file-sourced Compose secret. At `up` obsctl
// writes each value (from the user's env var, the user's file, or obsctl's generated secrets file)
// to .obsctl/secrets/<name>, mode 0444 inside a 0700 directory: only the owner can reach it on the
// host, and the engine (root) bind-mounts it read-only at /run/secrets/<name>, where the image's
// non-root user can read it (a 0600 file would need chown to that uid, which a non-root obsctl
// cannot do). A bind mount works on a read-only root; an environment-sourced secret does not
// (Compose copies it in after create and the Engine refuses that on a read-only root), so every
// service keeps read_only. Nothing secret is ever rendered: compose.yaml names the file only.
import type { Config, SecretRef } from '../config/schema.js';
import { secretRefs } from '../config/rules.js';
import type { FleetSecretKind } from './fleet-tls.js';
import { integrationSecretService } from '../integrations/index.js';

export interface StackSecret {
  /** Compose secret name; the container reads /run/secrets/<name>. */
  name: string;
  /** Environment variable Compose reads the value from. */
  envVar: string;
  /** Where obsctl gets the value; `generated` = obsctl's own secrets file. */
  source: SecretRef | { generated: true } | { fleet: FleetSecretKind; host: string };
  /** Services that need it. */
  services: string[];
}

export const secretPath = (name: string) => `/run/secrets/${name}`;
/** Where Compose reads a secret from, relative to the stack directory (.obsctl/stack). */
export const stackSecretFile = (name: string) => `../secrets/${name}`;
export const envVarFor = (name: string) => `OBSCTL_SECRET_${name.toUpperCase()}`;

export function stackSecrets(config: Config): StackSecret[] {
  const out: StackSecret[] = secretRefs(config).map(({ name, ref }) => ({
    name,
    envVar: envVarFor(name),
    source: ref,
    services: name.startsWith('receiver_') ? ['alertmanager'] : name.startsWith('grafana_') ? ['grafana'] : [integrationSecretService(name) ?? 'prometheus'],
  }));
  if (config.grafana.enabled && !config.grafana.admin_password) {
    out.push({ name: 'grafana_admin_password', envVar: envVarFor('grafana_admin_password'), source: { generated: true }, services: ['grafana'] });
  }
  return out.filter((s) => config.grafana.enabled || !s.services.includes('grafana'));
}

export const secretsFor = (secrets: StackSecret[], service: string) =>
  secrets.filter((s) => s.services.includes(service)).map((s) => s.name);
