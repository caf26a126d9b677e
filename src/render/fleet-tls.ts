// TLS with client certificates and basic auth between central and a pull fleet's exporters
// (fleet.tls: true), or between an agent fleet's agents and central's receiver (fleet-receiver.ts).
// node-exporter and dcgm-exporter serve HTTPS through exporter-toolkit's web config
// (--web.config.file / DCGM_EXPORTER_WEB_CONFIG_FILE): server certificate of the host,
// client certificate required and verified against the fleet CA, and basic auth. Central scrapes
// with the CA, its own host certificate and the password. Every piece of it is a Compose secret
// whose value `up` takes from the host's .obsctl/fleet-hosts/HOST.json (obsctl fleet-certs);
// nothing is rendered.
//
// Unlike obsctl's other secrets these are file secrets (bind mounts of .obsctl/fleet-tls/NAME),
// rewritten in place by `up`: exporter-toolkit reads its web config and certificates on every TLS
// handshake and Prometheus re-reads changed tls_config files, so a rotation reaches the running
// exporters and central without a restart, and no scrape fails.
import { stringify } from 'yaml';
import type { Config } from '../config/schema.js';
import type { Placement } from './inventory.js';
import { envVarFor, secretPath, type StackSecret } from './secrets.js';

export type FleetSecretKind = 'cert' | 'key' | 'ca' | 'web_config' | 'password';

export const fleetTlsOn = (config: Config) => config.hosts.length > 0 && config.fleet.mode === 'pull' && config.fleet.tls;
/** Agent fleet with fleet.tls: remote write to central over TLS with client certificates and basic auth (render/fleet-receiver.ts). */
export const agentTlsOn = (config: Config) => config.hosts.length > 0 && config.fleet.mode === 'agent' && config.fleet.tls;
/** Central's TLS remote-write receiver in an agent fleet with fleet.tls. */
export const receiverService = 'prometheus-receiver';

const secret = (kind: FleetSecretKind, host: string, services: string[]): StackSecret => ({
  name: `fleet_tls_${kind}`,
  envVar: envVarFor(`fleet_tls_${kind}`),
  source: { fleet: kind, host },
  services,
});

/** The Compose secrets this host's part of a TLS fleet needs. */
export function fleetSecrets(config: Config, place: Placement, exporters: string[]): StackSecret[] {
  if (!place.self) return [];
  const host = place.self.name;
  if (agentTlsOn(config)) {
    // The agent writes with its own credentials; central's receiver checks them.
    if (place.role === 'node') return (['cert', 'key', 'ca', 'password'] as const).map((k) => secret(k, host, ['prometheus']));
    if (place.role === 'central' && place.nodes.length) return (['cert', 'key', 'ca', 'web_config'] as const).map((k) => secret(k, host, [receiverService]));
    return [];
  }
  if (!fleetTlsOn(config)) return [];
  if (place.role === 'node') return (['cert', 'key', 'ca', 'web_config'] as const).map((k) => secret(k, host, exporters));
  if (place.role === 'central' && place.nodes.length) return (['cert', 'key', 'ca', 'password'] as const).map((k) => secret(k, host, ['prometheus']));
  return [];
}

/**
 * exporter-toolkit web config of a TLS listener: a node's exporters (pull) or central's receiver
 * (agent). A secret: it holds the bcrypt hashes of the clients it accepts.
 */
export function exporterWebConfig(users: Record<string, string>): string {
  return stringify({
    tls_server_config: {
      cert_file: secretPath('fleet_tls_cert'),
      key_file: secretPath('fleet_tls_key'),
      client_ca_file: secretPath('fleet_tls_ca'),
      client_auth_type: 'RequireAndVerifyClientCert',
      min_version: 'TLS12',
    },
    basic_auth_users: users,
  });
}

// A literal, not secretPath(): render/secrets.ts and this module sit in an import cycle through
// the integrations, and a top-level call would run before secrets.ts is initialised.
export const webConfigPath = '/run/secrets/fleet_tls_web_config';

/** Where Compose finds a fleet secret's file, relative to the stack directory (.obsctl/stack). */
export const fleetSecretFile = (name: string) => `../fleet-tls/${name}`;

/** What central's node-exporter / dcgm-exporter jobs add to scrape the nodes over TLS. */
export const centralScrapeAuth = (username: string) => ({
  tls_config: { ca_file: secretPath('fleet_tls_ca'), cert_file: secretPath('fleet_tls_cert'), key_file: secretPath('fleet_tls_key') },
  // Sent to central's own exporter on its private bridge too (plain HTTP there); it ignores it.
  basic_auth: { username, password_file: secretPath('fleet_tls_password') },
});

export const scrapeUser = 'obsctl-central';

/** What a node's agent adds to its remote write to central: the CA, its certificate, and its own user (its host name). */
export const agentWriteAuth = (host: string) => ({
  tls_config: { ca_file: secretPath('fleet_tls_ca'), cert_file: secretPath('fleet_tls_cert'), key_file: secretPath('fleet_tls_key') },
  basic_auth: { username: host, password_file: secretPath('fleet_tls_password') },
});
