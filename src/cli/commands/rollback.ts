// obsctl rollback: bring the last stack that came up healthy back by hand (what `up` does by itself
// when a new stack fails). Containers only: data volumes are never touched.
import { loadConfig } from '../../app/config.js';
import { restoredLines, rollback } from '../../app/rollback.js';
import { color, out, printJson } from '../output.js';
import { realPorts } from '../root.js';

export interface RollbackFlags {
  config: string;
  host?: string;
  timeout: number;
  json: boolean;
}

export async function rollbackCommand(flags: RollbackFlags): Promise<number> {
  const ports = realPorts(flags);
  const loaded = loadConfig(flags.config, { checkSecrets: false }, ports.readText);
  const r = await rollback(ports, loaded, flags);
  if (flags.json) {
    printJson({ ok: true, project: r.project, images: r.images, services: r.services });
    return 0;
  }
  const [first, ...rest] = restoredLines(r);
  out(`${color.green('✓')} ${first}`);
  for (const l of rest) out(l);
  return 0;
}
