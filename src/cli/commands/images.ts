// obsctl images list|save|load: every image the stack needs, in one archive for air-gapped hosts.
import { loadConfig } from '../../app/config.js';
import { images } from '../../app/images.js';
import { prepareStack } from '../../app/stack.js';
import { out, printJson } from '../output.js';
import { realPorts } from '../root.js';
import { checkAgainstLock, dockerImageStore, lockImages, readImageLock, writeImageLock } from '../../runtime/image-lock.js';

export interface ImagesFlags {
  config: string;
  json: boolean;
  simulateGpu?: string | true;
  host?: string;
  pull?: 'missing' | 'always' | 'never';
}

export async function imagesCommand(action: string, file: string | undefined, flags: ImagesFlags): Promise<number> {
  const ports = realPorts(flags);
  const loaded = loadConfig(flags.config, { checkSecrets: false }, ports.readText);
  const stack = await prepareStack(ports, loaded, flags);
  if (action === 'lock') {
    // obsctl.lock next to obsctl.yaml; render then writes image@digest (runtime/image-lock.ts).
    const lock = await lockImages(stack.result.manifest.images, dockerImageStore(), { pull: flags.pull !== 'never', print: flags.json ? () => undefined : out });
    const written = writeImageLock(loaded.dir, lock);
    if (flags.json) printJson({ ok: true, file: written, images: lock.images });
    else out(`wrote ${written}: ${Object.keys(lock.images).length} images pinned by digest; render and up now use image@digest`);
    return 0;
  }
  const r = await images(ports, stack, action, file);
  // After a load, with obsctl.lock: are these the locked images, and do their digests resolve?
  const lock = r.action === 'load' ? readImageLock(loaded.dir) : undefined;
  const checked = lock ? await checkAgainstLock(lock, dockerImageStore()) : undefined;
  if (checked && flags.json) {
    printJson({ ok: checked.problems.length === 0, file, lock: checked });
    return checked.problems.length ? 1 : 0;
  }
  for (const p of checked?.problems ?? []) out(`obsctl.lock: ${p}`);
  if (flags.json) printJson(r.action === 'list' ? { images: r.images } : { ok: true, ...r, action: undefined });
  else if (r.action === 'list') for (const i of r.images) out(i);
  else if (r.action === 'save') out(`saved ${r.images.length} images to ${r.file}; on the target host: obsctl images load ${r.file}`);
  else out(`loaded ${r.file}; obsctl up --pull never will not need a registry`);
  return checked?.problems.length ? 1 : 0;
}
