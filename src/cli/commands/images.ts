// obsctl images list|save|load: every image the stack needs, in one archive for air-gapped hosts.
// Save on a connected machine (same architecture as the target host), load on the target.
import { execa } from 'execa';
import { errors, ExitCode, UserError } from '../../errors.js';
import { loadConfig } from '../context.js';
import { out, printJson } from '../output.js';
import { prepareStack } from '../stack.js';
import { checkAgainstLock, dockerImageStore, lockImages, readImageLock, saveReferences, writeImageLock } from '../../runtime/image-lock.js';

export interface ImagesOptions {
  config: string;
  json: boolean;
  simulateGpu?: string | boolean;
  host?: string;
  pull?: 'missing' | 'always' | 'never';
}

async function stackImages(options: ImagesOptions): Promise<string[]> {
  const loaded = loadConfig(options.config, { checkSecrets: false });
  const stack = await prepareStack(loaded, options);
  return stack.result.manifest.images;
}

async function docker(args: string[], json = false): Promise<void> {
  // --json: docker's own lines ("Loaded image: ...") would break the JSON on stdout.
  const r = await execa('docker', args, { reject: false, stdout: json ? 'ignore' : 'inherit', stderr: 'pipe' });
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
  if (action === 'lock') return lockAction(list, options);
  if (!file) throw errors.usage(`obsctl images ${action} needs a FILE`, `e.g. obsctl images ${action} obsctl-images.tar`);
  if (action === 'save') {
    await docker(['save', '-o', file, ...saveReferences(list)], options.json);
    if (!options.json) out(`saved ${list.length} images to ${file}; on the target host: obsctl images load ${file}`);
    else printJson({ ok: true, file, images: list });
    return 0;
  }
  if (action === 'load') {
    await docker(['load', '-i', file], options.json);
    // With obsctl.lock: are the loaded images the locked ones, and do their digests resolve?
    const lock = readImageLock(loadConfig(options.config, { checkSecrets: false }).dir);
    const checked = lock ? await checkAgainstLock(lock, dockerImageStore()) : undefined;
    if (!options.json) {
      out(`loaded ${file}; obsctl up --pull never will not need a registry`);
      for (const p of checked?.problems ?? []) out(`obsctl.lock: ${p}`);
    } else printJson({ ok: !checked?.problems.length, file, ...(checked ? { lock: checked } : {}) });
    return checked?.problems.length ? 1 : 0;
  }
  throw errors.usage(`unknown action "${action}"`, 'Use list, lock, save FILE or load FILE.');
}

/** obsctl images lock: obsctl.lock next to obsctl.yaml; render then writes image@digest. */
async function lockAction(list: string[], options: ImagesOptions): Promise<number> {
  const loaded = loadConfig(options.config, { checkSecrets: false });
  const lock = await lockImages(list, dockerImageStore(), { pull: options.pull !== 'never', print: options.json ? () => undefined : out });
  const file = writeImageLock(loaded.dir, lock);
  if (options.json) printJson({ ok: true, file, images: lock.images });
  else out(`wrote ${file}: ${Object.keys(lock.images).length} images pinned by digest; render and up now use image@digest`);
  return 0;
}
