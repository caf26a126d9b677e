// The one place that decides about colour and prints. chalk does not read NO_COLOR by itself, so
// the level is set here from --no-color, NO_COLOR, FORCE_COLOR and whether stdout is a terminal.
import { Chalk, type ChalkInstance } from 'chalk';
import { ExitCode, UserError } from '../errors.js';

export function colorLevel(argv: string[], env: NodeJS.ProcessEnv, isTTY: boolean): 0 | 1 | 2 | 3 {
  if (argv.includes('--no-color') || (env.NO_COLOR !== undefined && env.NO_COLOR !== '')) return 0;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return 1;
  return isTTY && env.TERM !== 'dumb' ? 1 : 0;
}

export let color: ChalkInstance = new Chalk({ level: colorLevel(process.argv, process.env, Boolean(process.stdout.isTTY)) });

export function setColor(level: 0 | 1 | 2 | 3): void {
  color = new Chalk({ level });
}

export const out = (line = '') => process.stdout.write(`${line}\n`);
export const err = (line = '') => process.stderr.write(`${line}\n`);
export const printJson = (value: unknown) => out(JSON.stringify(value, null, 2));

/** Prints a UserError for people (or as JSON) and returns its exit code. */
export function reportError(e: unknown, json: boolean): number {
  if (e instanceof UserError) {
    if (json) {
      printJson({ ok: false, error: { code: e.code, message: e.message, hint: e.hint, details: e.details } });
    } else {
      for (const line of e.details) err(line.startsWith('  ') ? color.dim(line) : line.includes(' error') ? color.red(line) : color.yellow(line));
      if (e.details.length) err();
      err(color.red(`error: ${e.message}`));
      if (e.hint) err(color.dim(`hint: ${e.hint}`));
    }
    return e.exitCode;
  }
  // Anything else is a bug in obsctl, not something the user did.
  const message = e instanceof Error ? e.message : String(e);
  err(color.red(`obsctl crashed (a bug in obsctl, not in your config): ${message}`));
  if (process.env.OBSCTL_DEBUG === '1' && e instanceof Error && e.stack) err(e.stack);
  else err(color.dim('Run again with OBSCTL_DEBUG=1 for a stack trace, and please report it.'));
  return ExitCode.bug;
}
