// `add integration NAME [VALUE]`: an integration entry added to obsctl.yaml as a document edit,
// keeping every comment; validated before anything is written. Secrets only as references.
import path from 'node:path';
import { addIntegration } from '../config/edit.js';
import { formatIssue } from '../config/issues.js';
import { errors } from '../errors.js';
import type { Ports } from './ports.js';

export interface IntegrationArgs {
  name: string;
  /** vllm, sglang: host:port; redis: host:port; postgres: ignored (the DSN is a secret reference). */
  value?: string;
  secretEnv?: string;
  secretFile?: string;
}

const usage = 'obsctl add integration postgres --secret-env PG_DSN | redis HOST:PORT [--secret-file ./redis.pass] | pushgateway | vllm HOST:PORT | sglang HOST:PORT';

/** The obsctl.yaml entry for the arguments (a secret as {env} or {file}, never a value). */
export function integrationEntry(a: IntegrationArgs): Record<string, unknown> {
  const secret = a.secretEnv ? { env: a.secretEnv } : a.secretFile ? { file: a.secretFile } : undefined;
  switch (a.name) {
    case 'postgres':
      if (!secret) throw errors.usage('obsctl add integration postgres: the DSN is a secret; name where it is', usage);
      return { dsn: secret };
    case 'redis':
      if (!a.value) throw errors.usage('obsctl add integration redis: the address (HOST:PORT) is missing', usage);
      return { address: a.value, ...(secret ? { password: secret } : {}) };
    case 'pushgateway':
      return { enabled: true };
    case 'vllm':
      if (!a.value) throw errors.usage('obsctl add integration vllm: the server address (HOST:PORT) is missing', usage);
      return { urls: a.value.split(',') };
    case 'sglang':
      if (!a.value) throw errors.usage('obsctl add integration sglang: the server address (HOST:PORT) is missing', usage);
      return { urls: a.value.split(',') };
    default:
      throw errors.usage(`obsctl add integration ${a.name}: unknown integration (postgres, redis, pushgateway, vllm, sglang)`, usage);
  }
}

export function addIntegrationToFile(ports: Pick<Ports, 'readText' | 'writeText'>, file: string, args: IntegrationArgs): Record<string, unknown> {
  const display = path.relative(process.cwd(), file) || file;
  const text = ports.readText(file);
  if (text === undefined) throw errors.usage(`${display} does not exist`, 'Run obsctl init first.');
  const entry = integrationEntry(args);
  const result = addIntegration(text, args.name, entry);
  if (!result.text) {
    const details = result.errors.flatMap(({ line: _l, col: _c, ...i }) => formatIssue(display, undefined, i));
    throw errors.usage(`cannot add integration ${args.name} to ${display}; nothing was written.`, `${details.join(' ')}`.replace(/\s+/g, ' ').trim());
  }
  ports.writeText(file, result.text);
  return entry;
}
