// The fleet's TLS material (CA, every host's certificate and key, the scrape credentials) in one
// JSON file beside obsctl.yaml, mode 0600 in the 0700 .obsctl directory, never committed. Written
// on one machine by `obsctl fleet-certs`, copied to each host's .obsctl/ (docs/fleet.md).
import fs from 'node:fs';
import path from 'node:path';
import { errors } from '../errors.js';
import type { KeyPair } from '../fleet/certs.js';
import { exporterWebConfig, type FleetSecretKind } from '../render/fleet-tls.js';
import { stateDir } from './stack-dir.js';

export interface FleetTls {
  version: 1;
  ca: KeyPair;
  /** CA certificates the exporters and central trust: the current CA, plus the previous one for one rotation. */
  trusted: string[];
  hosts: Record<string, KeyPair>;
  /** Basic auth of central's scrapes; the exporters hold only the bcrypt hash. */
  username: string;
  password: string;
  passwordHash: string;
}

export const fleetTlsPath = (configDir: string) => path.join(stateDir(configDir), 'fleet-tls.json');

export function readFleetTls(file: string): FleetTls | undefined {
  if (!fs.existsSync(file)) return undefined;
  const value = JSON.parse(fs.readFileSync(file, 'utf8')) as FleetTls;
  return value.version === 1 ? value : undefined;
}

export function writeFleetTls(file: string, value: FleetTls): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(tmp, file);
  fs.chmodSync(file, 0o600);
}

function load(configDir: string): { file: string; tls: FleetTls } {
  const file = fleetTlsPath(configDir);
  const tls = readFleetTls(file);
  if (!tls) throw errors.fleetTlsMissing(file, 'the fleet CA');
  return { file, tls };
}

/** The value of one fleet TLS Compose secret for `host`. */
export function fleetSecretValue(configDir: string, kind: FleetSecretKind, host: string): string {
  const { file, tls } = load(configDir);
  const own = tls.hosts[host];
  if (!own && (kind === 'cert' || kind === 'key')) throw errors.fleetTlsMissing(file, `a certificate for host ${host}`);
  switch (kind) {
    case 'cert':
      return own!.cert;
    case 'key':
      return own!.key;
    case 'ca':
      return tls.trusted.join('');
    case 'password':
      return tls.password;
    case 'web_config':
      return exporterWebConfig(tls.username, tls.passwordHash);
  }
}

/**
 * Writes a fleet secret's file for Compose to bind-mount. In place (same inode), so a running
 * container's bind mount sees a rotated value. The directory is 0700: only its owner reaches the
 * files on the host; inside the container they must be readable by the exporters' and
 * Prometheus's non-root user (the mount keeps the file's own mode), hence 0644.
 */
export function writeFleetSecretFile(configDir: string, name: string, value: string): void {
  const dir = path.join(stateDir(configDir), 'fleet-tls');
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
  const file = path.join(dir, name);
  if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === value) return;
  fs.writeFileSync(file, value, { mode: 0o644 });
  fs.chmodSync(file, 0o644);
}
