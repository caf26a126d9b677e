// obsctl add target NAME URL: adds an app target to obsctl.yaml, keeping its comments.
import path from 'node:path';
import { addTargetToFile } from '../../app/add-target.js';
import { errors } from '../../errors.js';
import { color, out, printJson } from '../output.js';
import { realPorts } from '../root.js';

export interface AddFlags {
  config: string;
  metricsPath?: string;
  json: boolean;
}

export async function addCommand(kind: string, name: string, url: string, flags: AddFlags): Promise<number> {
  if (kind !== 'target') throw errors.usage(`obsctl add ${kind}: only "target" can be added`, 'obsctl add target NAME URL');
  const file = path.resolve(flags.config);
  addTargetToFile(realPorts(flags), file, { name, url, ...(flags.metricsPath ? { metricsPath: flags.metricsPath } : {}) }, { mustExist: true });
  if (flags.json) printJson({ ok: true, file, target: { name, url } });
  else out(`${color.green('added')} target ${name} (${url}) to ${flags.config}; apply it with ${color.bold('obsctl up')}`);
  return 0;
}
