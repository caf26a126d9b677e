// `add target NAME URL`: an app target added to obsctl.yaml as a document edit, keeping every
// comment; validated before anything is written.
import path from 'node:path';
import { addTarget as addToText } from '../config/edit.js';
import { formatIssue } from '../config/issues.js';
import { errors } from '../errors.js';
import { templatesDir } from '../paths.js';
import type { Ports } from './ports.js';

export function addTargetToFile(ports: Pick<Ports, 'readText' | 'writeText'>, file: string, target: { name: string; url: string; metricsPath?: string }, options: { mustExist: boolean }): void {
  const display = path.relative(process.cwd(), file) || file;
  const text = ports.readText(file);
  if (text === undefined && options.mustExist) throw errors.usage(`${display} does not exist`, `Run obsctl init first (templates in ${templatesDir}).`);
  const result = addToText(text ?? '', { name: target.name, url: target.url, ...(target.metricsPath ? { metricsPath: target.metricsPath } : {}) });
  if (!result.text) {
    // Positions would point into the edited text, which was never written: report without them.
    const details = result.errors.flatMap(({ line: _l, col: _c, ...i }) => formatIssue(display, undefined, i));
    throw errors.usage(`cannot add target ${target.name} to ${display}; nothing was written.`, `${details.join(' ')}`.replace(/\s+/g, ' ').trim());
  }
  ports.writeText(file, result.text);
}
