// How secrets reach containers: every secret becomes a Compose secret fed from an environment
// variable that obsctl sets when it runs Compose (values read from the user's env var, the user's
// file, or obsctl's generated secrets file). Compose then writes it into the container as
// /run/secrets/<name>, mode 0444 inside the container only, readable by the non-root users the
// images run as (a bind-mounted 0600 host file would not be). Nothing secret is ever rendered.
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
