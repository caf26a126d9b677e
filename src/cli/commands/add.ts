// obsctl add target NAME URL | add integration NAME [VALUE]: edits obsctl.yaml, keeping its comments.
import path from 'node:path';
import { addIntegrationToFile } from '../../app/add-integration.js';
import { addTargetToFile } from '../../app/add-target.js';
import { errors } from '../../errors.js';
import { color, out, printJson } from '../output.js';
import { realPorts } from '../root.js';

export interface AddFlags {
  config: string;
  metricsPath?: string;
  secretEnv?: string;
  secretFile?: string;
  json: boolean;
}

export async function addCommand(kind: string, name: string, url: string | undefined, flags: AddFlags): Promise<number> {
  const file = path.resolve(flags.config);
  if (kind === 'integration') {
    const entry = addIntegrationToFile(realPorts(flags), file, { name, ...(url ? { value: url } : {}), ...(flags.secretEnv ? { secretEnv: flags.secretEnv } : {}), ...(flags.secretFile ? { secretFile: flags.secretFile } : {}) });
    if (flags.json) printJson({ ok: true, file, integration: { name, ...entry } });
    else out(`${color.green('added')} integration ${name} to ${flags.config}; apply it with ${color.bold('obsctl up')}`);
    return 0;
  }
  if (kind !== 'target') throw errors.usage(`obsctl add ${kind}: only "target" and "integration" can be added`, 'obsctl add target NAME URL | obsctl add integration NAME [VALUE]');
  if (!url) throw errors.usage('obsctl add target: the URL is missing', 'obsctl add target NAME URL');
  addTargetToFile(realPorts(flags), file, { name, url, ...(flags.metricsPath ? { metricsPath: flags.metricsPath } : {}) }, { mustExist: true });
  if (flags.json) printJson({ ok: true, file, target: { name, url } });
  else out(`${color.green('added')} target ${name} (${url}) to ${flags.config}; apply it with ${color.bold('obsctl up')}`);
  return 0;
}
