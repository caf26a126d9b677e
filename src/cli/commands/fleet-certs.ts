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
  const r = fleetCerts(loadConfig(flags.config, { checkSecrets: false }, ports.readText), { rotate: flags.rotate || flags.rotateCa, rotateCa: flags.rotateCa });
  if (flags.json) {
    printJson(r);
    return 0;
  }
  const file = path.relative(process.cwd(), r.file) || r.file;
  if (r.caCreated) out(`new fleet CA in ${file} (mode 0600)`);
  for (const i of r.issued) out(`certificate for ${i.host}: sha256 ${i.fingerprint}…, valid ${r.expiresInDays} days`);
  if (r.kept.length) out(`kept: ${r.kept.join(', ')} (--rotate re-issues them)`);
  out(`next: copy ${file} to .obsctl/ beside obsctl.yaml on every host, then obsctl up --host NAME on each (nodes first)`);
  return 0;
}
