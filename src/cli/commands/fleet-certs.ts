// obsctl fleet-certs: the fleet CA and per-host certificates for fleet.tls (logic in app/fleet-certs.ts).
import path from 'node:path';
import { loadConfig } from '../../app/config.js';
import { fleetCerts } from '../../app/fleet-certs.js';
import { out, printJson } from '../output.js';
import { realPorts } from '../root.js';

export interface FleetCertsFlags {
  config: string;
  rotate: boolean;
  rotateCa: boolean;
  json: boolean;
}

export async function fleetCertsCommand(flags: FleetCertsFlags): Promise<number> {
  const ports = realPorts(flags);
  const r = fleetCerts(loadConfig(flags.config, { checkSecrets: false }, ports.readText), { rotate: flags.rotate, rotateCa: flags.rotateCa });
  if (flags.json) {
    printJson(r);
    return 0;
  }
  const rel = (f: string) => path.relative(process.cwd(), f) || f;
  if (r.migratedFrom) out(`migrated ${rel(r.migratedFrom)} (it carried the CA key to every host) into ${rel(r.file)} and per-host bundles; it is removed here: delete it on every other host too`);
  if (r.caCreated) out(`new fleet CA in ${rel(r.file)} (mode 0600; it stays on this host)`);
  for (const i of r.issued) out(`certificate for ${i.host}: sha256 ${i.fingerprint}…, valid ${r.expiresInDays} days`);
  if (r.kept.length) out(`kept: ${r.kept.join(', ')} (--rotate re-issues them)`);
  for (const b of r.bundles) out(`${b.host}: ${rel(b.file)}`);
  out('next: copy each host\'s bundle to the same path beside obsctl.yaml on that host, then obsctl up --host NAME on each (nodes first)');
  if (flags.rotateCa && !flags.rotate) out('then, once every host runs with the new CA trusted: obsctl fleet-certs --rotate, copy and up again, to move the certificates to the new CA');
  return 0;
}
