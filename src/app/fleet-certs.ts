// `obsctl fleet-certs`: the fleet CA and a certificate per inventory host for fleet.tls, plus the
// scrape password (its bcrypt hash is what the exporters hold). Idempotent: a new host gets its
// certificate, existing ones are kept. --rotate re-issues every host's certificate under the same
// CA, which central already trusts, so exporters switch without a failed scrape; --rotate-ca makes
// a new CA and keeps the old one trusted until the next CA rotation (docs/fleet.md).
import bcrypt from 'bcryptjs';
import { errors } from '../errors.js';
import { fingerprint, hostValidityDays, issueCa, issueHostCert } from '../fleet/certs.js';
import { scrapeUser } from '../render/fleet-tls.js';
import { fleetTlsPath, readFleetTls, writeFleetTls, type FleetTls } from '../runtime/fleet-tls-store.js';
import { generatePassword } from '../runtime/secrets-store.js';
import type { LoadedConfig } from './config.js';

export interface FleetCertsOutcome {
  file: string;
  caCreated: boolean;
  issued: { host: string; fingerprint: string }[];
  kept: string[];
  expiresInDays: number;
}

export function fleetCerts(loaded: LoadedConfig, options: { rotate: boolean; rotateCa: boolean }, now = new Date()): FleetCertsOutcome {
  const { config } = loaded;
  if (config.hosts.length === 0) throw errors.usage('fleet-certs needs a hosts inventory in obsctl.yaml', 'See docs/fleet.md.');
  const file = fleetTlsPath(loaded.dir);
  const existing = readFleetTls(file);
  const newCa = !existing || options.rotateCa;
  const ca = newCa ? issueCa(config.name, now) : existing.ca;
  const password = existing?.password ?? generatePassword();
  const tls: FleetTls = {
    version: 1,
    ca,
    // The previous CA stays trusted for one rotation: hosts not yet updated still verify.
    trusted: newCa ? [ca.cert, ...(existing ? [existing.ca.cert] : [])] : existing.trusted,
    hosts: {},
    username: scrapeUser,
    password,
    passwordHash: existing?.passwordHash ?? bcrypt.hashSync(password, 10),
  };
  const issued: FleetCertsOutcome['issued'] = [];
  const kept: string[] = [];
  for (const h of config.hosts) {
    const old = existing?.hosts[h.name];
    if (old && !options.rotate && !newCa) {
      tls.hosts[h.name] = old;
      kept.push(h.name);
      continue;
    }
    const pair = issueHostCert(ca, h, now);
    tls.hosts[h.name] = pair;
    issued.push({ host: h.name, fingerprint: fingerprint(pair.cert).slice(0, 16) });
  }
  writeFleetTls(file, tls);
  return { file, caCreated: newCa, issued, kept, expiresInDays: hostValidityDays };
}
