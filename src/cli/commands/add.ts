// obsctl add target NAME URL: adds an app target to obsctl.yaml, keeping its comments.
import fs from 'node:fs';
import path from 'node:path';
import { addTarget } from '../../config/edit.js';
import { formatIssue } from '../../config/issues.js';
import { errors } from '../../errors.js';
import { templatesDir } from '../../paths.js';
import { color, out, printJson } from '../output.js';

export interface AddOptions {
  config: string;
  metricsPath?: string;
  json: boolean;
}

export function addTargetToFile(file: string, name: string, url: string, metricsPath?: string): void {
  const display = path.relative(process.cwd(), file) || file;
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const result = addTarget(text, { name, url, ...(metricsPath ? { metricsPath } : {}) });
  if (!result.text) {
    // Positions would point into the edited text, which was never written: report without them.
    const details = result.errors.flatMap(({ line: _l, col: _c, ...i }) => formatIssue(display, undefined, i));
    throw errors.usage(`cannot add target ${name} to ${display}; nothing was written.`, `${details.join(' ')}`.replace(/\s+/g, ' ').trim());
  }
  fs.writeFileSync(file, result.text);
}

export async function add(kind: string, name: string, url: string, options: AddOptions): Promise<number> {
  if (kind !== 'target') throw errors.usage(`obsctl add ${kind}: only "target" can be added`, 'obsctl add target NAME URL');
  const file = path.resolve(options.config);
  if (!fs.existsSync(file)) throw errors.usage(`${options.config} does not exist`, `Run obsctl init first (templates in ${templatesDir}).`);
  addTargetToFile(file, name, url, options.metricsPath);
  if (options.json) printJson({ ok: true, file, target: { name, url } });
  else out(`${color.green('added')} target ${name} (${url}) to ${options.config}; apply it with ${color.bold('obsctl up')}`);
  return 0;
}
