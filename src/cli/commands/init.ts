// obsctl init: writes a commented obsctl.yaml (and its JSON Schema) for this host and keeps .obsctl/
// out of git; --schema only refreshes the schema after an upgrade.
import path from 'node:path';
import { ignoreEntry, init, refreshSchema } from '../../app/init.js';
import { schemaReference } from '../../config/schema-file.js';
import { version } from '../../paths.js';
import { color, out, printJson } from '../output.js';
import { realPorts } from '../root.js';

export interface InitFlags {
  config: string;
  force: boolean;
  name?: string;
  gpu?: 'auto' | 'none' | 'nvidia' | 'gb10';
  app?: string;
  /** Only (re)write obsctl.schema.json beside obsctl.yaml (after an upgrade). */
  schema: boolean;
  json: boolean;
}

const rel = (f: string) => path.relative(process.cwd(), f) || f;

export async function initCommand(flags: InitFlags): Promise<number> {
  if (flags.schema) {
    const s = refreshSchema(realPorts(flags), path.resolve(flags.config));
    if (flags.json) printJson({ ok: true, ...s, version });
    else out(`${s.changed ? color.green('wrote') : 'unchanged:'} ${rel(s.schema)} (obsctl ${version})${s.modelineUpdated ? `\n${color.green('updated')} the $schema line of ${rel(path.resolve(flags.config))} to ${schemaReference}` : ''}`);
    return 0;
  }
  const r = await init(realPorts(flags), flags);
  if (flags.json) {
    printJson({ ok: true, ...r });
    return 0;
  }
  out(`${color.green('wrote')} ${rel(r.file)} (gpu: ${r.gpu}; detected ${r.detected.profile}: ${r.detected.detail})`);
  out(`${color.green('wrote')} ${rel(r.schema)} (its JSON Schema, obsctl ${version}: editors complete and check obsctl.yaml offline; commit both)`);
  if (r.gitignoreUpdated) out(`${color.green('added')} ${ignoreEntry} to .gitignore (rendered stack and generated secrets)`);
  out('');
  out(`next: review it, commit it, then on the host run ${color.bold('npx obsctl up')}`);
  return 0;
}
