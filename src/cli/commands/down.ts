// obsctl down: stop and remove the stack's containers. Volumes (stored metrics, dashboards'
// state, silences) stay unless --volumes, which asks first unless --yes.
import fs from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { errors } from '../../errors.js';
import { stackSecrets } from '../../render/secrets.js';
import { ComposeCli } from '../../runtime/compose-cli.js';
import { placeholderSecretEnv } from '../../runtime/secrets-store.js';
import { loadConfig } from '../context.js';
import { chooseHost } from '../stack.js';
import { projectName } from '../../render/inventory.js';
import { color, out, printJson } from '../output.js';
import { stateDir } from './up.js';

export interface DownOptions {
  config: string;
  host?: string;
  volumes: boolean;
  yes: boolean;
  json: boolean;
  quiet?: boolean;
}

async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const answer = await rl.question(question);
  rl.close();
  return /^y(es)?$/i.test(answer.trim());
}

export async function down(options: DownOptions): Promise<number> {
  const loaded = loadConfig(options.config, { checkSecrets: false });
  const dir = path.join(stateDir(loaded.dir), 'stack');
  const project = projectName(loaded.config, chooseHost(loaded, options.host));
  if (!fs.existsSync(path.join(dir, 'compose.yaml'))) {
    if (!options.json) out(`${project}: nothing rendered in ${path.relative(process.cwd(), dir)}; nothing to stop.`);
    else printJson({ ok: true, project, removed: false });
    return 0;
  }
  if (options.volumes && !options.yes) {
    const ok = await confirm(`Delete the volumes of ${project} (all stored metrics, Grafana state, silences)? [y/N] `);
    if (!ok) throw errors.usage('Not deleting volumes without confirmation.', 'Pass --yes to confirm in scripts.');
  }
  const cli = new ComposeCli({ name: project, dir, env: placeholderSecretEnv(stackSecrets(loaded.config)) });
  const r = await cli.down({ volumes: options.volumes });
  if (!r.ok) throw errors.dockerUnavailable(r.stderr.trim().split('\n').slice(-3).join(' '), 'Is the Docker engine running? Try `docker compose ls`.');
  if (options.quiet) return 0;
  if (options.json) printJson({ ok: true, project, removed: true, volumesRemoved: options.volumes });
  else out(`${color.green('✓')} ${project}: containers removed${options.volumes ? ', volumes deleted' : '; volumes kept (data survives the next up)'}`);
  return 0;
}
