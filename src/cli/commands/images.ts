// obsctl images list|save|load: every image the stack needs, in one archive for air-gapped hosts.
// Save on a connected machine (same architecture as the target host), load on the target.
import { execa } from 'execa';
import { errors, ExitCode, UserError } from '../../errors.js';
import { loadConfig } from '../context.js';
import { out, printJson } from '../output.js';
import { prepareStack } from '../stack.js';

export interface ImagesOptions {
  config: string;
  json: boolean;
  simulateGpu?: string | boolean;
  host?: string;
}

async function stackImages(options: ImagesOptions): Promise<string[]> {
  const loaded = loadConfig(options.config, { checkSecrets: false });
  const stack = await prepareStack(loaded, options);
  return stack.result.manifest.images;
}

async function docker(args: string[]): Promise<void> {
  const r = await execa('docker', args, { reject: false, stdout: 'inherit', stderr: 'pipe' });
  if (r.exitCode !== 0) {
    throw new UserError('DOCKER_FAILED', `docker ${args[0]} failed: ${String(r.stderr).trim().split('\n').pop()}`, 'Is the Docker engine running, and are the images present (obsctl up pulls them)?', ExitCode.environment);
  }
}

export async function images(action: string, file: string | undefined, options: ImagesOptions): Promise<number> {
  const list = await stackImages(options);
  if (action === 'list') {
    if (options.json) printJson({ images: list });
    else for (const i of list) out(i);
    return 0;
  }
  if (!file) throw errors.usage(`obsctl images ${action} needs a FILE`, `e.g. obsctl images ${action} obsctl-images.tar`);
  if (action === 'save') {
    await docker(['save', '-o', file, ...list]);
    if (!options.json) out(`saved ${list.length} images to ${file}; on the target host: obsctl images load ${file}`);
    else printJson({ ok: true, file, images: list });
    return 0;
  }
  if (action === 'load') {
    await docker(['load', '-i', file]);
    if (!options.json) out(`loaded ${file}; obsctl up --pull never will not need a registry`);
    else printJson({ ok: true, file });
    return 0;
  }
  throw errors.usage(`unknown action "${action}"`, 'Use list, save FILE or load FILE.');
}
