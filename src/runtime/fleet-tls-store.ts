// The fleet's TLS material, split by where it may live (docs/fleet.md):
// - .obsctl/fleet-ca.json, on the admin host only (where `obsctl fleet-certs` runs, usually
//   central): the CA's private key, every host's certificate and key, every host's password.
// - .obsctl/fleet-hosts/HOST.json, one per host, copied to that host: its own certificate and
//   key, the trusted CA certificates, its own password and the bcrypt hashes of the clients it
//   accepts. No CA key: a node that is broken into cannot issue certificates.
// All of it 0600 in the 0700 .obsctl directory, never committed. The first obsctl with fleet.tls
// wrote one .obsctl/fleet-tls.json (version 1) holding everything, CA key included, on every host:
// `fleet-certs` migrates it into the files above; `up` on a host that only has it says so.
import fs from 'node:fs';
import path from 'node:path';
import { errors } from '../errors.js';
import type { KeyPair } from '../fleet/certs.js';
import { exporterWebConfig, type FleetSecretKind } from '../render/fleet-tls.js';
import { writeMountedFile } from './mounted-file.js';
import { stateDir } from './stack-dir.js';

export interface Credential {
  username: string;
  password: string;
  passwordHash: string;
}

/** What stays on the admin host. */
export interface FleetCa {
  version: 2;
  /** The CA new host certificates are signed by (the newest). */
  ca: KeyPair;
  /** CA certificates every host trusts: the signing CA, plus the previous one while a CA rotation rolls out. */
  trusted: string[];
  hosts: Record<string, KeyPair>;
  credentials: Record<string, Credential>;
}

/** What one host gets. */
export interface HostBundle {
  version: 2;
  host: string;
  cert: string;
  key: string;
  /** The trusted CA certificates, PEM, concatenated. */
  ca: string;
  /** This host's own basic-auth credential (central: scraping the nodes; a node: remote write to central). */
  username: string;
  password: string;
  /** Clients this host's TLS listeners accept: username -> bcrypt hash. */
  webUsers: Record<string, string>;
}

/** The first format: everything in one file on every host (read only to migrate it). */
export interface LegacyFleetTls {
  version: 1;
  ca: KeyPair;
  trusted: string[];
  hosts: Record<string, KeyPair>;
  username: string;
  password: string;
  passwordHash: string;
}

export const fleetCaPath = (configDir: string) => path.join(stateDir(configDir), 'fleet-ca.json');
export const legacyFleetTlsPath = (configDir: string) => path.join(stateDir(configDir), 'fleet-tls.json');
export const hostBundlePath = (configDir: string, host: string) => path.join(stateDir(configDir), 'fleet-hosts', `${host}.json`);

const readJson = <T>(file: string): T | undefined => (fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as T) : undefined);

export const readFleetCa = (configDir: string) => readJson<FleetCa>(fleetCaPath(configDir));
export const readLegacyFleetTls = (configDir: string) => {
  const v = readJson<LegacyFleetTls>(legacyFleetTlsPath(configDir));
  return v?.version === 1 ? v : undefined;
};
export const readHostBundle = (configDir: string, host: string) => readJson<HostBundle>(hostBundlePath(configDir, host));

/** Atomic, 0600, in a 0700 directory. */
export function writePrivateJson(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.chmodSync(path.dirname(file), 0o700);
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  fs.chmodSync(tmp, 0o600);
  fs.renameSync(tmp, file);
}

function bundle(configDir: string, host: string): HostBundle {
  const file = hostBundlePath(configDir, host);
  const b = readHostBundle(configDir, host);
  if (b?.version === 2) return b;
  const legacy = legacyFleetTlsPath(configDir);
  if (fs.existsSync(legacy)) throw errors.fleetTlsLegacy(legacy, file);
  throw errors.fleetTlsMissing(file, `host ${host}'s certificate`);
}

/** The value of one fleet TLS Compose secret for `host`, from its own bundle. */
export function fleetSecretValue(configDir: string, kind: FleetSecretKind, host: string): string {
  const b = bundle(configDir, host);
  switch (kind) {
    case 'cert':
      return b.cert;
    case 'key':
      return b.key;
    case 'ca':
      return b.ca;
    case 'password':
      return b.password;
    case 'web_config':
      return exporterWebConfig(b.webUsers);
  }
}

/**
 * Writes a fleet secret's file for Compose to bind-mount. In place (same inode), so a running
 * container's bind mount sees a rotated value. The directory is 0700: only its owner reaches the
 * files on the host; inside the container they must be readable by the exporters' and
 * Prometheus's non-root user (the mount keeps the file's own mode), hence 0644.
 */
export function writeFleetSecretFile(configDir: string, name: string, value: string): void {
  writeMountedFile(path.join(stateDir(configDir), 'fleet-tls'), name, value, 0o644);
}
