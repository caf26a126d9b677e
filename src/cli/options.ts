// Every option obsctl takes, declared once, with a real parser: a bad value is a usage error
// (exit 2) naming the option, before any command runs. Commands get typed values (seconds as
// numbers, a checked host name), never strings to parse again.
import { InvalidArgumentError, Option } from '@commander-js/extra-typings';
import { strictSeconds } from '../duration.js';

export function parseDuration(value: string): number {
  const s = strictSeconds(value);
  if (s === undefined || s <= 0) throw new InvalidArgumentError('not a duration; use e.g. 30s, 2m or 1h30m (a bare number is seconds).');
  return s;
}

export function parseHost(value: string): string {
  // As obsctl.yaml's hosts[].name: lower-case letters, digits and -, starting with a letter.
  if (!/^[a-z][a-z0-9-]{0,62}$/.test(value)) throw new InvalidArgumentError('not a host name of the inventory (lower-case letters, digits and -, starting with a letter).');
  return value;
}

export function parseCount(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('not a whole number.');
  return Number(value);
}

export function parseUrl(value: string): string {
  try {
    const u = new URL(value);
    if (u.protocol === 'http:' || u.protocol === 'https:') return value;
  } catch {
    // reported below
  }
  throw new InvalidArgumentError('not an http(s) URL, e.g. http://gpu-1:9090.');
}


export const configOption = () => new Option('-c, --config <file>', 'path to obsctl.yaml').default('obsctl.yaml');
export const jsonOption = () => new Option('--json', 'machine-readable output').default(false);
export const hostOption = () => new Option('--host <name>', "with a hosts inventory: the host to act for (default: this machine's hostname)").argParser(parseHost);
/** nvidia, gb10, or a recording FILE (checked when it is read: a clear error names the file). */
export const simulateGpuOption = (description: string) => new Option('--simulate-gpu [profile]', description);
export const timeoutOption = (description: string, seconds: number) =>
  new Option('--timeout <duration>', `${description} (seconds, or e.g. 3m)`).argParser(parseDuration).default(seconds);
export const pullOption = () => new Option('--pull <policy>', 'image pulls (default: images.pull_policy)').choices(['missing', 'always', 'never'] as const);
