// obsctl init: writes a commented obsctl.yaml for this host and keeps .obsctl/ out of git.
import path from 'node:path';
import { ignoreEntry, init } from '../../app/init.js';
import { color, out, printJson } from '../output.js';
import { realPorts } from '../root.js';

export interface InitFlags {
  config: string;
  force: boolean;
  name?: string;
  gpu?: 'auto' | 'none' | 'nvidia' | 'gb10';
  app?: string;
  json: boolean;
}

export async function initCommand(flags: InitFlags): Promise<number> {
  const r = await init(realPorts(flags), flags);
  if (flags.json) {
    printJson({ ok: true, ...r });
    return 0;
  }
  out(`${color.green('wrote')} ${path.relative(process.cwd(), r.file) || r.file} (gpu: ${r.gpu}; detected ${r.detected.profile}: ${r.detected.detail})`);
  if (r.gitignoreUpdated) out(`${color.green('added')} ${ignoreEntry} to .gitignore (rendered stack and generated secrets)`);
  out('');
  out(`next: review it, commit it, then on the host run ${color.bold('npx obsctl up')}`);
  return 0;
}
