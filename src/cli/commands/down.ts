// obsctl down: stop and remove the stack's containers. Volumes (stored metrics, dashboards'
// state, silences) stay unless --volumes, which asks first unless --yes.
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { loadConfig } from '../../app/config.js';
import { down } from '../../app/down.js';
import { color, out, printJson } from '../output.js';
import { realPorts } from '../root.js';

export interface DownFlags {
  config: string;
  host?: string;
  volumes: boolean;
  yes: boolean;
  json: boolean;
}

async function confirm(project: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const answer = await rl.question(`Delete the volumes of ${project} (all stored metrics, Grafana state, silences)? [y/N] `);
  rl.close();
  return /^y(es)?$/i.test(answer.trim());
}

export async function downCommand(flags: DownFlags): Promise<number> {
  const ports = realPorts(flags);
  const loaded = loadConfig(flags.config, { checkSecrets: false }, ports.readText);
  const r = await down(ports, loaded, { ...flags, confirm: async (project) => flags.yes || confirm(project) });
  if (flags.json) printJson({ ok: true, project: r.project, removed: r.removed, ...(r.removed ? { volumesRemoved: r.volumesRemoved } : {}) });
  else if (!r.removed) out(`${r.project}: nothing rendered in ${path.relative(process.cwd(), r.dir)}; nothing to stop.`);
  else out(`${color.green('✓')} ${r.project}: containers removed${r.volumesRemoved ? ', volumes deleted' : '; volumes kept (data survives the next up)'}`);
  return 0;
}
