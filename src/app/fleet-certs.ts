// `obsctl fleet-certs`: the fleet CA, a certificate and a password per inventory host, kept in
// .obsctl/fleet-ca.json on this (admin) host, and one bundle per host (.obsctl/fleet-hosts/HOST.json:
// its own certificate, key and password, the trusted CAs, the hashes of the clients it accepts;
// never the CA key) to copy to that host. Idempotent: a new host gets its certificate, existing
// ones are kept. --rotate re-issues every host's certificate under the newest CA. --rotate-ca
// makes a new CA and adds it to what every host trusts, keeping the host certificates: once every
// host runs with the new bundle, --rotate moves the certificates to the new CA; no handshake ever
// meets a CA its peer does not trust yet (docs/fleet.md). The old single-file format (CA key on
// every host) is migrated here, nothing of it lost.
import fs from 'node:fs';
import bcrypt from 'bcryptjs';
import { errors } from '../errors.js';
import { fingerprint, hostValidityDays, issueCa, issueHostCert } from '../fleet/certs.js';
import { scrapeUser } from '../render/fleet-tls.js';
import {
  fleetCaPath,
  hostBundlePath,
  legacyFleetTlsPath,
  readFleetCa,
  readLegacyFleetTls,
  writePrivateJson,
  type Credential,
  type FleetCa,
  type HostBundle,
} from '../runtime/fleet-tls-store.js';
import { generatePassword } from '../runtime/secrets-store.js';
import type { Config } from '../config/schema.js';
import type { LoadedConfig } from './config.js';

export interface FleetCertsOutcome {
  /** .obsctl/fleet-ca.json: stays on this host. */
  file: string;
  /** One per host, to copy to that host's .obsctl/fleet-hosts/. */
  bundles: { host: string; file: string }[];
  caCreated: boolean;
  /** Set when an old .obsctl/fleet-tls.json (CA key included) was migrated and removed. */
  migratedFrom?: string;
  issued: { host: string; fingerprint: string }[];
  kept: string[];
  expiresInDays: number;
}

const credential = (username: string): Credential => {
  const password = generatePassword();
  return { username, password, passwordHash: bcrypt.hashSync(password, 10) };
};

/** Central scrapes as scrapeUser (pull); a node writes as its own name (agent). */
const usernameOf = (config: Config, host: string) => (config.hosts.find((h) => h.name === host)?.role === 'central' ? scrapeUser : host);

/**
 * One host's bundle, good for either fleet mode: central holds its scrape password and the hashes
 * of every node (its receiver's users); a node holds its own password and central's hash (its
 * exporters' user).
 */
function bundleFor(config: Config, store: FleetCa, host: string): HostBundle {
  const central = config.hosts.find((h) => h.role === 'central');
  const own = store.credentials[host]!;
  const accepted = config.hosts.filter((h) => (h.name === host ? false : central?.name === host ? h.role === 'node' : h.role === 'central'));
  return {
    version: 2,
    host,
    ...store.hosts[host]!,
    ca: store.trusted.join(''),
    username: own.username,
    password: own.password,
    webUsers: Object.fromEntries(accepted.map((h) => [store.credentials[h.name]!.username, store.credentials[h.name]!.passwordHash])),
  };
}

export function fleetCerts(loaded: LoadedConfig, options: { rotate: boolean; rotateCa: boolean }, now = new Date()): FleetCertsOutcome {
  const { config } = loaded;
  if (config.hosts.length === 0) throw errors.usage('fleet-certs needs a hosts inventory in obsctl.yaml', 'See docs/fleet.md.');
  const file = fleetCaPath(loaded.dir);
  const legacy = readFleetCa(loaded.dir) ? undefined : readLegacyFleetTls(loaded.dir);
  const central = config.hosts.find((h) => h.role === 'central');
  // The old file: same CA, certificates and scrape password (it was central's), now in the new layout.
  const existing: FleetCa | undefined =
    readFleetCa(loaded.dir) ??
    (legacy && {
      version: 2,
      ca: legacy.ca,
      trusted: legacy.trusted,
      hosts: legacy.hosts,
      credentials: central ? { [central.name]: { username: legacy.username, password: legacy.password, passwordHash: legacy.passwordHash } } : {},
    });
  const newCa = !existing || options.rotateCa;
  const ca = newCa ? issueCa(config.name, now) : existing.ca;
  const store: FleetCa = {
    version: 2,
    ca,
    // The previous CA stays trusted until the next CA rotation: certificates it signed still verify.
    trusted: newCa ? [ca.cert, ...(existing ? [existing.ca.cert] : [])] : existing.trusted,
    hosts: {},
    credentials: { ...existing?.credentials },
  };
  const issued: FleetCertsOutcome['issued'] = [];
  const kept: string[] = [];
  for (const h of config.hosts) {
    store.credentials[h.name] ??= credential(usernameOf(config, h.name));
    const old = existing?.hosts[h.name];
    // A CA rotation alone keeps the certificates: the new CA must be trusted everywhere first.
    if (old && !options.rotate) {
      store.hosts[h.name] = old;
      kept.push(h.name);
      continue;
    }
    const pair = issueHostCert(ca, h, now);
    store.hosts[h.name] = pair;
    issued.push({ host: h.name, fingerprint: fingerprint(pair.cert).slice(0, 16) });
  }
  // Hosts no longer in the inventory are dropped from the bundles, kept in the CA file (nothing lost).
  for (const [name, pair] of Object.entries(existing?.hosts ?? {})) store.hosts[name] ??= pair;
  writePrivateJson(file, store);
  const bundles = config.hosts.map((h) => {
    const out = hostBundlePath(loaded.dir, h.name);
    writePrivateJson(out, bundleFor(config, store, h.name));
    return { host: h.name, file: out };
  });
  // Everything the old file held is in fleet-ca.json now; the copy with the CA key goes.
  if (legacy) fs.rmSync(legacyFleetTlsPath(loaded.dir));
  return { file, bundles, caCreated: newCa, ...(legacy ? { migratedFrom: legacyFleetTlsPath(loaded.dir) } : {}), issued, kept, expiresInDays: hostValidityDays };
}
