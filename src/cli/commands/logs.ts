// obsctl logs [service] [-f]: the stack's logs through docker compose.
import path from 'node:path';
import { stackSecrets } from '../../render/secrets.js';
import { ComposeCli } from '../../runtime/compose-cli.js';
import { placeholderSecretEnv } from '../../runtime/secrets-store.js';
import { loadConfig } from '../context.js';
import { chooseHost } from '../stack.js';
import { projectName } from '../../render/inventory.js';
import { stateDir } from './up.js';

export interface LogsOptions {
  config: string;
  host?: string;
  follow: boolean;
  tail?: string;
}

export async function logs(service: string | undefined, options: LogsOptions): Promise<number> {
  const loaded = loadConfig(options.config, { checkSecrets: false });
  const dir = path.join(stateDir(loaded.dir), 'stack');
  const project = projectName(loaded.config, chooseHost(loaded, options.host));
  const cli = new ComposeCli({ name: project, dir, env: placeholderSecretEnv(stackSecrets(loaded.config)) });
  const r = await cli.logs(service, { follow: options.follow, ...(options.tail ? { tail: Number(options.tail) } : {}), inherit: true, plain: !process.stdout.isTTY });
  return r.ok ? 0 : 1;
}
