// `-c FILE` given explicitly must exist: only the implicit ./obsctl.yaml falls back to the
// built-in defaults (a typo in -c must not render defaults and exit 0). Option values themselves
// are parsed in options.ts; this needs to know where the value came from, which only commander knows.
import fs from 'node:fs';
import path from 'node:path';
import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { errors } from '../errors.js';

export function checkExplicitConfig(command: CommandUnknownOpts): void {
  if (command.name() === 'init' || command.getOptionValueSource('config') !== 'cli') return;
  const file = command.getOptionValue('config');
  if (typeof file === 'string' && !fs.existsSync(path.resolve(file))) throw errors.configMissing(file);
}
