// obsctl images list|save|load: every image the stack needs, in one archive for air-gapped hosts.
import { loadConfig } from '../../app/config.js';
import { images } from '../../app/images.js';
import { prepareStack } from '../../app/stack.js';
import { out, printJson } from '../output.js';
import { realPorts } from '../root.js';

export interface ImagesFlags {
  config: string;
  json: boolean;
  simulateGpu?: string | true;
  host?: string;
}

export async function imagesCommand(action: string, file: string | undefined, flags: ImagesFlags): Promise<number> {
  const ports = realPorts(flags);
  const stack = await prepareStack(ports, loadConfig(flags.config, { checkSecrets: false }, ports.readText), flags);
  const r = await images(ports, stack, action, file);
  if (flags.json) printJson(r.action === 'list' ? { images: r.images } : { ok: true, ...r, action: undefined });
  else if (r.action === 'list') for (const i of r.images) out(i);
  else if (r.action === 'save') out(`saved ${r.images.length} images to ${r.file}; on the target host: obsctl images load ${r.file}`);
  else out(`loaded ${r.file}; obsctl up --pull never will not need a registry`);
  return 0;
}
