// Checks the value of every command-line option before a command runs: an unknown profile, a
// timeout that is not a number or a -c file that does not exist is exit 2 with the allowed values,
// never silently ignored. Each parser is a small pure function (value -> value, or throws a
// UserError), so an app layer can call them directly; checkOptionValues applies them by option name.
import fs from 'node:fs';
import type { Command } from 'commander';
import { errors } from '../errors.js';

export const simulatedProfiles = ['nvidia', 'gb10'] as const;

const bad = (flag: string, value: unknown, expected: string) =>
  errors.usage(`${flag} ${JSON.stringify(value)} is not valid: expected ${expected}.`, `Run with --help for the options of this command.`);

/** `--simulate-gpu` alone (true) or `--simulate-gpu=nvidia|gb10`. */
export function parseSimulatedGpu(value: unknown, flag = '--simulate-gpu'): true | (typeof simulatedProfiles)[number] {
  if (value === true) return true;
  if (typeof value === 'string' && (simulatedProfiles as readonly string[]).includes(value)) return value as (typeof simulatedProfiles)[number];
  throw bad(flag, value, `one of ${simulatedProfiles.join(', ')} (or no value for nvidia)`);
}

/** A positive number of seconds, e.g. `--timeout 30`. */
export function parseSeconds(value: unknown, flag = '--timeout'): number {
  const n = typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : NaN;
  if (!(n > 0) || n > 86_400) throw bad(flag, value, 'a number of seconds between 0 and 86400, e.g. 30');
  return n;
}

/** A Prometheus-style duration, e.g. `--wait 2m`. */
export function parseDuration(value: unknown, flag = '--wait'): string {
  if (typeof value !== 'string' || !/^(\d+h)?(\d+m)?(\d+s)?(\d+ms)?$/.test(value) || value === '' || /^0+[a-z]*$/.test(value)) {
    throw bad(flag, value, 'a duration such as 30s, 2m or 1h');
  }
  return value;
}

/** An http(s) URL with a host, e.g. `--prometheus http://10.0.0.5:9090`. */
export function parseHttpUrl(value: unknown, flag: string): string {
  let ok = false;
  if (typeof value === 'string' && !/\s/.test(value)) {
    try {
      const url = new URL(value);
      ok = (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
    } catch {
      ok = false;
    }
  }
  if (!ok) throw bad(flag, value, 'an http:// or https:// URL such as http://127.0.0.1:9090');
  return value as string;
}

/** A count of lines: a whole number, or `all`. */
export function parseLineCount(value: unknown, flag = '--tail'): string {
  if (typeof value !== 'string' || !/^(\d+|all)$/.test(value)) throw bad(flag, value, 'a whole number of lines, or all');
  return value;
}

/** A non-empty value without control characters (names, paths). */
export function parseText(value: unknown, flag: string): string {
  if (typeof value !== 'string' || value.trim() === '' || /\p{Cc}/u.test(value)) throw bad(flag, value, 'a non-empty value');
  return value;
}

/** `-c FILE` given explicitly must exist: only the implicit ./obsctl.yaml falls back to defaults. */
export function checkExplicitConfig(file: string): void {
  if (!fs.existsSync(file)) throw errors.configMissing(file);
}

/** Long option name -> parser. */
const parsers: Record<string, (value: unknown, flag: string) => unknown> = {
  simulateGpu: parseSimulatedGpu,
  timeout: parseSeconds,
  wait: parseDuration,
  prometheus: parseHttpUrl,
  alertmanager: parseHttpUrl,
  grafana: parseHttpUrl,
  tail: parseLineCount,
  host: parseText,
  out: parseText,
  dir: parseText,
  junit: parseText,
  name: parseText,
  app: parseText,
  metricsPath: (v, flag) => {
    if (typeof v !== 'string' || !v.startsWith('/') || /[\s\p{Cc}]/u.test(v)) throw bad(flag, v, 'a path starting with /, e.g. /metrics');
    return v;
  },
};

/** commander preAction hook: every option the user set is checked; defaults are trusted. */
export function checkOptionValues(command: Command): void {
  for (const option of command.options) {
    const key = option.attributeName();
    const source = command.getOptionValueSource(key);
    if (source !== 'cli' && source !== 'env') continue;
    const value = command.getOptionValue(key);
    const flag = option.long ?? option.flags;
    if (key === 'config') {
      parseText(value, flag);
      if (command.name() !== 'init') checkExplicitConfig(value as string);
      continue;
    }
    parsers[key]?.(value, flag);
  }
}
