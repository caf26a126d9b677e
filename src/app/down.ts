// `down` (containers removed, volumes kept unless asked) and `logs`, through docker compose.
import { errors } from '../errors.js';
import { stackSecrets } from '../render/secrets.js';
import { placeholderSecretEnv } from '../runtime/secrets-store.js';
import { isRendered } from '../runtime/stack-dir.js';
import type { LoadedConfig } from './config.js';
import type { Compose, Ports } from './ports.js';
import { stackProject } from './stack.js';

/** Compose for the rendered stack of this config, with placeholder secrets (ps/logs/down need no real ones). */
export function stackCompose(ports: Ports, loaded: LoadedConfig, host: string | undefined): { project: string; dir: string; compose: Compose } {
  const { project, dir } = stackProject(loaded, host);
  return { project, dir, compose: ports.compose({ name: project, dir, env: placeholderSecretEnv(stackSecrets(loaded.config)) }) };
}

export interface DownOutcome {
  project: string;
  dir: string;
  removed: boolean;
  volumesRemoved: boolean;
}

/** `confirm` is asked before volumes are deleted; false stops with a usage error. */
export async function down(ports: Ports, loaded: LoadedConfig, options: { host?: string; volumes: boolean; confirm: (project: string) => Promise<boolean> }): Promise<DownOutcome> {
  const { project, dir, compose } = stackCompose(ports, loaded, options.host);
  if (!isRendered(dir)) return { project, dir, removed: false, volumesRemoved: false };
  if (options.volumes && !(await options.confirm(project))) throw errors.usage('Not deleting volumes without confirmation.', 'Pass --yes to confirm in scripts.');
  const r = await compose.down({ volumes: options.volumes });
  if (!r.ok) throw errors.dockerUnavailable(r.stderr.trim().split('\n').slice(-3).join(' '), 'Is the Docker engine running? Try `docker compose ls`.');
  return { project, dir, removed: true, volumesRemoved: options.volumes };
}

export async function logs(ports: Ports, loaded: LoadedConfig, service: string | undefined, options: { host?: string; follow: boolean; tail?: number }): Promise<boolean> {
  const { compose } = stackCompose(ports, loaded, options.host);
  // Not a terminal (a pipe, a file): no control sequences in the output.
  return (await compose.logs(service, { follow: options.follow, ...(options.tail ? { tail: options.tail } : {}), inherit: true, plain: !process.stdout.isTTY })).ok;
}
