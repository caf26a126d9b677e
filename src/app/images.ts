// `images list|save|load`: every image the stack needs, in one archive for air-gapped hosts.
// Save on a connected machine (same architecture as the target host), load on the target.
import { errors } from '../errors.js';
import type { Ports } from './ports.js';
import type { PreparedStack } from './stack.js';

export type ImagesOutcome = { action: 'list'; images: string[] } | { action: 'save'; file: string; images: string[] } | { action: 'load'; file: string };

export async function images(ports: Ports, stack: PreparedStack, action: string, file: string | undefined): Promise<ImagesOutcome> {
  const list = stack.result.manifest.images;
  if (action === 'list') return { action, images: list };
  if (action !== 'save' && action !== 'load') throw errors.usage(`unknown action "${action}"`, 'Use list, save FILE or load FILE.');
  if (!file) throw errors.usage(`obsctl images ${action} needs a FILE`, `e.g. obsctl images ${action} obsctl-images.tar`);
  if (action === 'save') {
    await ports.images.save(file, list);
    return { action, file, images: list };
  }
  await ports.images.load(file);
  return { action, file };
}
